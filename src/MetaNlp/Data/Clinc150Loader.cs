using System.Text.Json;

namespace MetaNlp.Data;

/// <summary>
/// Loads CLINC150 (OOS-eval, Larson et al. 2019) from <c>data_full.json</c>: parts train, val, test,
/// oos_train, oos_val, oos_test, each a list of [text, intent] pairs (label "oos" in the oos parts).
/// </summary>
public static class Clinc150Loader
{
    /// <summary>The file name inside the dataset folder.</summary>
    public const string FileName = "data_full.json";

    /// <summary>The label of out-of-scope examples.</summary>
    public const string OutOfScopeLabel = "oos";

    /// <summary>The parts, in file-independent order.</summary>
    public static IReadOnlyList<string> PartNames { get; } = ["train", "val", "test", "oos_train", "oos_val", "oos_test"];

    /// <summary>Loads <c>data_full.json</c> from <paramref name="folder"/>.</summary>
    public static TextDataset Load(string folder) => LoadFile(Path.Combine(folder, FileName));

    /// <summary>Loads a file in the data_full.json layout (any subset of the six parts, at least one).</summary>
    public static TextDataset LoadFile(string path)
    {
        using var doc = DatasetFiles.ParseJsonFile(path);
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
            throw new DatasetFormatException(path, null, null, $"expected a JSON object with keys {string.Join(", ", PartNames)} but found {DatasetFiles.Describe(root.ValueKind)}.");
        var parts = new Dictionary<string, IReadOnlyList<TextExample>>();
        foreach (var part in PartNames)
        {
            if (!root.TryGetProperty(part, out var list)) continue;
            if (list.ValueKind != JsonValueKind.Array)
                throw new DatasetFormatException(path, null, part, $"expected an array of [text, intent] pairs but found {DatasetFiles.Describe(list.ValueKind)}.");
            var examples = new List<TextExample>(list.GetArrayLength());
            int index = 0;
            foreach (var pair in list.EnumerateArray())
            {
                if (pair.ValueKind != JsonValueKind.Array || pair.GetArrayLength() != 2
                    || pair[0].ValueKind != JsonValueKind.String || pair[1].ValueKind != JsonValueKind.String)
                    throw new DatasetFormatException(path, null, $"{part}[{index}]", "expected a [text, intent] pair of two strings.");
                var text = pair[0].GetString()!;
                var label = pair[1].GetString()!.Trim();
                if (string.IsNullOrWhiteSpace(text) || label.Length == 0)
                    throw new DatasetFormatException(path, null, $"{part}[{index}]", "the text or the intent is empty.");
                examples.Add(new TextExample(text, label));
                index++;
            }
            parts[part] = examples;
        }
        if (parts.Count == 0)
            throw new DatasetFormatException(path, null, null, $"none of the keys {string.Join(", ", PartNames)} is present.");
        return new TextDataset("clinc150", parts);
    }
}
