namespace MetaNlp.Data;

/// <summary>
/// Loads the episodic intent datasets of ProtAugment (Dopierre et al. 2021): <c>&lt;DS&gt;/full.jsonl</c>
/// ({"sentence", "label"}) and the five class splits <c>&lt;DS&gt;/few_shot/0N/labels.{train,valid,test}.txt</c>.
/// Dataset folders: BANKING77, HWU64, Liu (Liu54; alias "Liu54"), OOS (CLINC150 in-scope; alias "CLINC150").
/// </summary>
public static class ProtAugmentIntentLoader
{
    /// <summary>The dataset folder names on disk.</summary>
    public static IReadOnlyList<string> DatasetFolders { get; } = ["BANKING77", "HWU64", "Liu", "OOS"];

    private static readonly DatasetColumns Columns = new() { Text = "sentence", Label = "label" };

    /// <summary>The folder name of a dataset, accepting aliases (case-insensitive): liu54 = Liu, clinc150 = OOS.</summary>
    public static string FolderName(string ds)
    {
        var key = ds.Trim().ToUpperInvariant();
        return key switch
        {
            "BANKING77" => "BANKING77",
            "HWU64" => "HWU64",
            "LIU" or "LIU54" => "Liu",
            "OOS" or "CLINC150" => "OOS",
            _ => throw new ArgumentException($"Unknown ProtAugment dataset '{ds}'; known: {string.Join(", ", DatasetFolders)} (aliases Liu54, CLINC150).", nameof(ds)),
        };
    }

    /// <summary>Loads <c>&lt;folder&gt;/&lt;ds&gt;/full.jsonl</c> as the part "all".</summary>
    /// <param name="folder">The protaugment_intent folder.</param>
    /// <param name="ds">Dataset: BANKING77, HWU64, Liu (Liu54) or OOS (CLINC150).</param>
    public static TextDataset Load(string folder, string ds)
    {
        var name = FolderName(ds);
        return LoadFile(Path.Combine(folder, name, "full.jsonl"), name);
    }

    /// <summary>Loads one file in the full.jsonl layout as the part "all".</summary>
    public static TextDataset LoadFile(string path, string? name = null) =>
        new(name ?? Path.GetFileNameWithoutExtension(path), JsonlDatasetReader.ReadExamples(path, Columns));

    /// <summary>Reads class split <paramref name="splitIndex"/> (1..5) from <c>few_shot/0N/labels.{train,valid,test}.txt</c>.</summary>
    /// <param name="folder">The protaugment_intent folder.</param>
    /// <param name="ds">Dataset: BANKING77, HWU64, Liu (Liu54) or OOS (CLINC150).</param>
    /// <param name="splitIndex">1 to 5.</param>
    public static ClassSplit LoadSplit(string folder, string ds, int splitIndex)
    {
        if (splitIndex is < 1 or > 5)
            throw new ArgumentOutOfRangeException(nameof(splitIndex), splitIndex, "The ProtAugment split index must be 1 to 5.");
        var dir = Path.Combine(folder, FolderName(ds), "few_shot", $"{splitIndex:00}");
        return new ClassSplit(ReadLabels(Path.Combine(dir, "labels.train.txt")),
                              ReadLabels(Path.Combine(dir, "labels.valid.txt")),
                              ReadLabels(Path.Combine(dir, "labels.test.txt")));
    }

    /// <summary>The relative paths (under the protaugment_intent folder) of the files one dataset needs.</summary>
    public static IReadOnlyList<string> RequiredFiles(string ds)
    {
        var name = FolderName(ds);
        var files = new List<string> { $"{name}/full.jsonl" };
        for (int s = 1; s <= 5; s++)
        {
            foreach (var p in new[] { "train", "valid", "test" }) files.Add($"{name}/few_shot/{s:00}/labels.{p}.txt");
        }
        return files;
    }

    private static string[] ReadLabels(string path)
    {
        var labels = DatasetFiles.ReadLines(path).Select(l => l.Line.Trim()).Where(l => l.Length > 0).ToArray();
        if (labels.Length == 0) throw new DatasetFormatException(path, null, null, "the label list is empty.");
        return labels;
    }
}
