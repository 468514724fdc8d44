namespace MetaNlp.Data;

/// <summary>
/// Loads BANKING77 (Casanueva et al. 2020): <c>train.csv</c> and <c>test.csv</c>, RFC 4180 CSV with the
/// header <c>text,category</c>, into the parts train and test.
/// </summary>
public static class Banking77Loader
{
    private static readonly DatasetColumns Columns = new() { Text = "text", Label = "category" };

    /// <summary>Loads train.csv and test.csv from <paramref name="folder"/>.</summary>
    public static TextDataset Load(string folder) => new("banking77", new Dictionary<string, IReadOnlyList<TextExample>>
    {
        ["train"] = LoadFileExamples(Path.Combine(folder, "train.csv")),
        ["test"] = LoadFileExamples(Path.Combine(folder, "test.csv")),
    });

    /// <summary>Loads one BANKING77-style CSV file (columns text, category) as the part "all".</summary>
    public static TextDataset LoadFile(string path) => new("banking77", LoadFileExamples(path));

    private static IReadOnlyList<TextExample> LoadFileExamples(string path) => CsvDatasetReader.ReadExamples(path, Columns);
}
