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

    /// <summary>
    /// The News Category Dataset's category of each label id (the file holds only the ids): MetaPrompter's verbalizers
    /// (ws-jiang/MetaPrompter_public, configs/hard_verbalizers.yaml) for this very file, lower-cased; checked against
    /// the headlines of each id (0: politics, 11: sports, 27: science, 40: education...). Read as label texts
    /// (<see cref="LabelTexts"/>).
    /// </summary>
    public static IReadOnlyDictionary<string, string> CategoryNames { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["0"] = "politics",
        ["1"] = "wellness",
        ["2"] = "entertainment",
        ["3"] = "travel",
        ["4"] = "style & beauty",
        ["5"] = "parenting",
        ["6"] = "healthy living",
        ["7"] = "queer voices",
        ["8"] = "food & drink",
        ["9"] = "business",
        ["10"] = "comedy",
        ["11"] = "sports",
        ["12"] = "black voices",
        ["13"] = "home & living",
        ["14"] = "parents",
        ["15"] = "the worldpost",
        ["16"] = "weddings",
        ["17"] = "women",
        ["18"] = "impact",
        ["19"] = "divorce",
        ["20"] = "crime",
        ["21"] = "media",
        ["22"] = "weird news",
        ["23"] = "green",
        ["24"] = "worldpost",
        ["25"] = "religion",
        ["26"] = "style",
        ["27"] = "science",
        ["28"] = "world news",
        ["29"] = "taste",
        ["30"] = "tech",
        ["31"] = "money",
        ["32"] = "arts",
        ["33"] = "fifty",
        ["34"] = "good news",
        ["35"] = "arts & culture",
        ["36"] = "environment",
        ["37"] = "college",
        ["38"] = "latino voices",
        ["39"] = "culture & arts",
        ["40"] = "education",
    };

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
