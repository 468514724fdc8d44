using System.Text.Json;
using MetaNlp.Data;
using MetaNlp.Text;

namespace MetaNlp.Generation;

/// <summary>
/// A user's generation pairs in a JSON Lines file: one object per line with string fields <c>source</c> and
/// <c>target</c> (other fields are ignored; blank lines are skipped). Every error names the file and the line.
/// </summary>
public static class GenerationPairFile
{
    /// <summary>Reads the pairs in file order.</summary>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    /// <exception cref="DatasetFormatException">A line is not such an object, a field is missing, not a string or blank, or the file has no pair.</exception>
    public static IReadOnlyList<GenerationPair> Read(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"no file at '{path}'.", path);
        var pairs = new List<GenerationPair>();
        var number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            JsonElement root;
            try
            {
                using var document = JsonDocument.Parse(line);
                root = document.RootElement.Clone();
            }
            catch (JsonException e)
            {
                throw new DatasetFormatException(path, number, null, $"not a JSON object ({e.Message})", e);
            }
            if (root.ValueKind != JsonValueKind.Object) throw new DatasetFormatException(path, number, null, "not a JSON object");
            pairs.Add(new GenerationPair(Field(root, "source", path, number), Field(root, "target", path, number)));
        }
        if (pairs.Count == 0) throw new DatasetFormatException(path, null, null, "the file holds no pair (one {\"source\": ..., \"target\": ...} object per line)");
        return pairs;
    }

    private static string Field(JsonElement root, string name, string path, int line)
    {
        if (!root.TryGetProperty(name, out var value)) throw new DatasetFormatException(path, line, name, $"the field '{name}' is missing");
        if (value.ValueKind != JsonValueKind.String) throw new DatasetFormatException(path, line, name, $"the field '{name}' is not a string");
        var text = value.GetString()!;
        if (VisibleText.IsBlank(text)) throw new DatasetFormatException(path, line, name, $"the field '{name}' is blank");
        return text;
    }
}
