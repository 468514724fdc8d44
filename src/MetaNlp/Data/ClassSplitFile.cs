using System.Text.Json;

namespace MetaNlp.Data;

/// <summary>
/// Reads a <see cref="ClassSplit"/> from a file, from three comma-separated lists, and checks a split against a
/// dataset. File forms: JSON <c>{"train": [...], "val": [...], "test": [...]}</c> ("valid"/"validation" accepted
/// for "val") or text lines <c>train: a, b, c</c> / <c>val: ...</c> / <c>test: ...</c> (blank lines and lines
/// starting with '#' skipped).
/// </summary>
public static class ClassSplitFile
{
    /// <summary>Reads a split file in either form; errors name the file and, for the text form, the line.</summary>
    public static ClassSplit Read(string path)
    {
        var content = DatasetFiles.ReadUserText(path, "Class split file");
        return content.TrimStart().StartsWith('{') ? ParseJson(content, path) : ParseText(content, path);
    }

    /// <summary>
    /// A split from three comma-separated class lists (the --train-classes/--val-classes/--test-classes options).
    /// Classes are trimmed; empty entries are ignored. Any list may be empty, so a command names only the classes it
    /// uses (training needs training classes, evaluation the ones it scores); without validation classes training
    /// keeps its last weights.
    /// </summary>
    /// <exception cref="ArgumentException">All three lists are empty, or a class is in two of them.</exception>
    public static ClassSplit ParseLists(string train, string validation, string test)
    {
        var sets = new[] { ("train", train), ("val", validation), ("test", test) }
            .Select(s => (s.Item1, Classes: SplitList(s.Item2))).ToArray();
        if (sets.All(s => s.Classes.Length == 0)) throw new ArgumentException("The class lists (--train-classes, --val-classes, --test-classes) name no class.");
        return new ClassSplit(sets[0].Classes, sets[1].Classes, sets[2].Classes);
    }

    /// <summary>
    /// Checks that every class of <paramref name="split"/> occurs in <paramref name="dataset"/>; the error names the
    /// missing classes and which set they are in.
    /// </summary>
    public static void Validate(ClassSplit split, TextDataset dataset)
    {
        var known = new HashSet<string>(dataset.Classes, StringComparer.Ordinal);
        var missing = new List<string>();
        foreach (var (name, set) in new[] { ("train", split.Train), ("val", split.Validation), ("test", split.Test) })
        {
            missing.AddRange(set.Where(c => !known.Contains(c)).Select(c => $"'{c}' ({name})"));
        }
        if (missing.Count > 0)
        {
            var sample = string.Join(", ", dataset.Classes.Take(10).Select(c => $"'{c}'"));
            throw new ArgumentException(
                $"The class split names {missing.Count} class(es) that dataset '{dataset.Name}' does not have: {string.Join(", ", missing)}. " +
                $"The dataset has {dataset.Classes.Count} classes, e.g. {sample}.");
        }
    }

    private static ClassSplit ParseJson(string content, string path)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(content, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException e)
        {
            throw new DatasetFormatException(path, (int)(e.LineNumber ?? 0) + 1, null, $"invalid JSON: {e.Message}", e);
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new DatasetFormatException(path, null, null, "expected a JSON object with keys train, val and test.");
            var sets = new Dictionary<string, string[]>();
            foreach (var p in root.EnumerateObject())
            {
                var key = Canonical(p.Name) ?? throw new DatasetFormatException(path, null, p.Name,
                    "unknown key; expected train, val (or valid/validation) and test.");
                if (sets.ContainsKey(key)) throw new DatasetFormatException(path, null, p.Name, $"the {key} classes are given twice.");
                if (p.Value.ValueKind != JsonValueKind.Array)
                    throw new DatasetFormatException(path, null, p.Name, "expected an array of class names.");
                sets[key] = p.Value.EnumerateArray().Select((e, i) => e.ValueKind == JsonValueKind.String
                        ? e.GetString()!.Trim()
                        : e.ValueKind == JsonValueKind.Number ? e.GetRawText()
                        : throw new DatasetFormatException(path, null, $"{p.Name}[{i}]", "expected a class name string."))
                    .ToArray();
            }
            return Build(sets, path, null);
        }
    }

    private static ClassSplit ParseText(string content, string path)
    {
        var sets = new Dictionary<string, string[]>();
        var lineOf = new Dictionary<string, int>();
        var lines = content.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            int colon = line.IndexOf(':');
            if (colon < 0)
                throw new DatasetFormatException(path, i + 1, null, "expected 'train: a, b, c', 'val: ...' or 'test: ...'.");
            var name = line[..colon].Trim();
            var key = Canonical(name) ?? throw new DatasetFormatException(path, i + 1, name,
                "unknown set; expected train, val (or valid/validation) or test.");
            if (sets.ContainsKey(key))
                throw new DatasetFormatException(path, i + 1, name, $"the {key} classes are given twice (first on line {lineOf[key]}).");
            sets[key] = SplitList(line[(colon + 1)..]);
            lineOf[key] = i + 1;
        }
        return Build(sets, path, lineOf);
    }

    private static ClassSplit Build(Dictionary<string, string[]> sets, string path, Dictionary<string, int>? lineOf)
    {
        foreach (var key in new[] { "train", "val", "test" })
        {
            // A missing key is more likely a slip than a choice; an empty list says the set is meant to be empty.
            if (!sets.ContainsKey(key))
                throw new DatasetFormatException(path, null, key, $"the split has no {key} classes (write an empty list, `{key}: ` or [], for none).");
        }
        if (sets.Values.All(s => s.Length == 0)) throw new DatasetFormatException(path, null, null, "the split names no class.");
        // Disjointness, with the location of the second occurrence.
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var key in new[] { "train", "val", "test" })
        {
            foreach (var c in sets[key])
            {
                if (seen.TryGetValue(c, out var other))
                    throw new DatasetFormatException(path, lineOf?.GetValueOrDefault(key), key,
                        other == key ? $"class '{c}' is listed twice in the {key} classes."
                                     : $"class '{c}' is in both the {other} and the {key} classes; the sets must be disjoint.");
                seen[c] = key;
            }
        }
        return new ClassSplit(sets["train"], sets["val"], sets["test"]);
    }

    private static string? Canonical(string name) => name.Trim().ToLowerInvariant() switch
    {
        "train" => "train",
        "val" or "valid" or "validation" or "dev" => "val",
        "test" => "test",
        _ => null,
    };

    private static string[] SplitList(string list) =>
        list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
}
