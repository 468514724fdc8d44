namespace MetaNlp.Data;

/// <summary>
/// Loads a user-supplied file or folder in a named format (the CLI's <c>--dataset-file FILE --format NAME</c>).
/// </summary>
public static class DatasetFile
{
    /// <summary>The format names <see cref="Load"/> understands.</summary>
    public static IReadOnlyList<string> Formats { get; } =
        ["csv", "jsonl", "fewrel", "clinc", "banking77", "huffpost", "dnnc", "protaugment", "arsc"];

    /// <summary>
    /// Loads <paramref name="path"/> in <paramref name="format"/>: csv, jsonl (user files, see
    /// <see cref="CsvDatasetReader"/>/<see cref="JsonlDatasetReader"/>), fewrel (val_wiki-style file), clinc
    /// (data_full.json-style file), banking77 (a CSV file with text,category, or a folder with train.csv/test.csv),
    /// huffpost (huffpost.json-style file); fewrel, clinc and huffpost also accept the benchmark folder; dnnc (a dataset folder with part sub-folders), protaugment (a
    /// full.jsonl-style file), arsc (the ARSC folder).
    /// </summary>
    /// <param name="path">The file or folder.</param>
    /// <param name="format">One of <see cref="Formats"/> (case-insensitive).</param>
    /// <param name="columns">Column/field names for csv and jsonl; ignored otherwise.</param>
    public static TextDataset Load(string path, string format, DatasetColumns? columns = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentException.ThrowIfNullOrWhiteSpace(format);
        return format.Trim().ToLowerInvariant() switch
        {
            "csv" => CsvDatasetReader.Load(path, columns),
            "jsonl" or "jsonlines" => JsonlDatasetReader.Load(path, columns),
            "fewrel" => Directory.Exists(path) ? FewRelLoader.Load(path) : FewRelLoader.LoadFile(path),
            "clinc" or "clinc150" => Directory.Exists(path) ? Clinc150Loader.Load(path) : Clinc150Loader.LoadFile(path),
            "banking77" => Directory.Exists(path) ? Banking77Loader.Load(path) : Banking77Loader.LoadFile(path),
            "huffpost" => Directory.Exists(path) ? HuffPostLoader.Load(path) : HuffPostLoader.LoadFile(path),
            "dnnc" => DnncLoader.Load(path),
            "protaugment" => ProtAugmentIntentLoader.LoadFile(path),
            "arsc" => ArscLoader.Load(path),
            _ => throw new ArgumentException($"Unknown dataset format '{format}'; known formats: {string.Join(", ", Formats)}.", nameof(format)),
        };
    }
}
