using System.Globalization;
using System.Text.Json;

namespace MetaNlp.Data;

/// <summary>
/// Loads the HuffPost headlines as processed by Bao et al. (2020): <c>huffpost.json</c>, JSON lines
/// {"raw": text, "label": int}. The label becomes the integer as a string ("0".."40"), so the Bao class split
/// is "0".."19" train, "20".."24" validation, "25".."40" test (<see cref="BaoSplit"/>).
/// </summary>
public static class HuffPostLoader
{
    /// <summary>The file name inside the dataset folder.</summary>
    public const string FileName = "huffpost.json";

    /// <summary>Bao et al.'s class split: 0-19 train, 20-24 validation, 25-40 test.</summary>
    public static ClassSplit BaoSplit { get; } = new(
        Enumerable.Range(0, 20).Select(Str).ToArray(),
        Enumerable.Range(20, 5).Select(Str).ToArray(),
        Enumerable.Range(25, 16).Select(Str).ToArray());

    /// <summary>Loads <c>huffpost.json</c> from <paramref name="folder"/> as the part "all".</summary>
    public static TextDataset Load(string folder) => LoadFile(Path.Combine(folder, FileName));

    /// <summary>Loads a file in the huffpost.json layout as the part "all".</summary>
    public static TextDataset LoadFile(string path)
    {
        var examples = new List<TextExample>();
        foreach (var (line, obj) in DatasetFiles.ReadJsonLines(path))
        {
            if (!obj.TryGetProperty("raw", out var raw))
                throw new DatasetFormatException(path, line, "raw", "the object has no field 'raw'.");
            if (raw.ValueKind != JsonValueKind.String)
                throw new DatasetFormatException(path, line, "raw", $"expected a string but found {DatasetFiles.Describe(raw.ValueKind)}.");
            if (!obj.TryGetProperty("label", out var label))
                throw new DatasetFormatException(path, line, "label", "the object has no field 'label'.");
            if (label.ValueKind != JsonValueKind.Number || !label.TryGetInt32(out int id))
                throw new DatasetFormatException(path, line, "label", $"expected an integer but found {DatasetFiles.Describe(label.ValueKind)}.");
            var text = raw.GetString()!;
            if (string.IsNullOrWhiteSpace(text))
                throw new DatasetFormatException(path, line, "raw", "the text is empty.");
            examples.Add(new TextExample(text, Str(id)));
        }
        if (examples.Count == 0) throw new DatasetFormatException(path, null, null, "the file has no examples.");
        return new TextDataset("huffpost", examples);
    }

    private static string Str(int i) => i.ToString(CultureInfo.InvariantCulture);
}
