namespace MetaNlp.Data;

/// <summary>
/// Loads the DNNC/CPFT intent format (Few-Shot-Intent-Detection): <c>&lt;DS&gt;/&lt;part&gt;/seq.in</c> and
/// <c>&lt;DS&gt;/&lt;part&gt;/label</c>, aligned line by line. Parts are named by folder: train, train_5, train_10,
/// valid, test; nested folders join with '_' (CLINC150's <c>oos/test</c> is the part "oos_test").
/// </summary>
public static class DnncLoader
{
    /// <summary>The utterance file of a part.</summary>
    public const string TextFile = "seq.in";

    /// <summary>The label file of a part.</summary>
    public const string LabelFile = "label";

    private static readonly string[] CanonicalOrder = ["train", "train_5", "train_10", "valid", "test"];

    /// <summary>Loads <c>&lt;root&gt;/&lt;ds&gt;</c> (e.g. root = fewshot_intent_dnnc, ds = "CLINC150").</summary>
    public static TextDataset Load(string root, string ds) => Load(Path.Combine(root, ds));

    /// <summary>Loads every part folder (one holding seq.in and label) under <paramref name="folder"/>.</summary>
    public static TextDataset Load(string folder)
    {
        DatasetFiles.RequireDirectory(folder);
        var found = new List<(string Name, string Dir)>();
        Collect(folder, "", found, 0);
        if (found.Count == 0)
            throw new FileNotFoundException($"No DNNC parts (sub-folders with '{TextFile}' and '{LabelFile}') in '{Path.GetFullPath(folder)}'.");
        var ordered = found.OrderBy(f => Array.IndexOf(CanonicalOrder, f.Name) is int i && i >= 0 ? i : CanonicalOrder.Length)
                           .ThenBy(f => f.Name, StringComparer.Ordinal);
        var parts = new Dictionary<string, IReadOnlyList<TextExample>>();
        foreach (var (name, dir) in ordered) parts[name] = LoadPart(dir);
        return new TextDataset(Path.GetFileName(Path.TrimEndingDirectorySeparator(folder)), parts);
    }

    /// <summary>Reads one part folder; a different number of lines in seq.in and label is an error naming both.</summary>
    public static IReadOnlyList<TextExample> LoadPart(string partFolder)
    {
        var textPath = Path.Combine(partFolder, TextFile);
        var labelPath = Path.Combine(partFolder, LabelFile);
        var texts = ReadAllLines(textPath);
        var labels = ReadAllLines(labelPath);
        if (texts.Count != labels.Count)
            throw new DatasetFormatException(textPath, null, null,
                $"'{textPath}' has {texts.Count} lines but '{labelPath}' has {labels.Count}; the two files must be aligned line by line.");
        var examples = new List<TextExample>(texts.Count);
        for (int i = 0; i < texts.Count; i++)
        {
            var label = labels[i].Trim();
            if (string.IsNullOrWhiteSpace(texts[i]))
                throw new DatasetFormatException(textPath, i + 1, null, "the utterance is empty.");
            if (label.Length == 0)
                throw new DatasetFormatException(labelPath, i + 1, null, "the label is empty.");
            examples.Add(new TextExample(texts[i], label));
        }
        return examples;
    }

    private static void Collect(string dir, string prefix, List<(string, string)> found, int depth)
    {
        if (depth > 0 && File.Exists(Path.Combine(dir, TextFile)) && File.Exists(Path.Combine(dir, LabelFile)))
            found.Add((prefix, dir));
        if (depth >= 2) return;
        foreach (var sub in Directory.EnumerateDirectories(dir).Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(sub);
            Collect(sub, prefix.Length == 0 ? name : $"{prefix}_{name}", found, depth + 1);
        }
    }

    private static List<string> ReadAllLines(string path)
    {
        var lines = DatasetFiles.ReadLines(path).Select(l => l.Line).ToList();
        // A file ending in a newline has no extra empty line; drop trailing blank lines only.
        while (lines.Count > 0 && lines[^1].Length == 0) lines.RemoveAt(lines.Count - 1);
        return lines;
    }
}
