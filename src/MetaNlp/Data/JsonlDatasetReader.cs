using System.Text.Json;
using MetaNlp.Text;

namespace MetaNlp.Data;

/// <summary>
/// Reads a user's JSON-lines file (one JSON object per line; blank lines skipped) into a one-part ("all")
/// <see cref="TextDataset"/>. Every malformed line throws a <see cref="DatasetFormatException"/> naming the
/// file, the line and the field.
/// </summary>
public static class JsonlDatasetReader
{
    /// <summary>Reads <paramref name="path"/> into a dataset with the single part "all".</summary>
    /// <param name="path">The JSON-lines file.</param>
    /// <param name="columns">Text and label field names; null for the defaults ("text"/"label" with fallbacks).</param>
    /// <param name="name">Dataset name; defaults to the file name without extension.</param>
    public static TextDataset Load(string path, DatasetColumns? columns = null, string? name = null) =>
        new(name ?? Path.GetFileNameWithoutExtension(path), ReadExamples(path, columns));

    /// <summary>Reads the examples of <paramref name="path"/> in file order.</summary>
    /// <param name="path">The JSON-lines file.</param>
    /// <param name="columns">Text and label field names; null for the defaults.</param>
    public static IReadOnlyList<TextExample> ReadExamples(string path, DatasetColumns? columns = null)
    {
        columns ??= DatasetColumns.Default;
        var examples = new List<TextExample>();
        foreach (var (lineNumber, root) in DatasetFiles.ReadJsonLines(path, userText: true))
        {
            var text = GetString(root, columns.TextCandidates, path, lineNumber, "text");
            var label = GetString(root, columns.LabelCandidates, path, lineNumber, "label").Trim();
            if (VisibleText.IsBlank(text))
                throw new DatasetFormatException(path, lineNumber, columns.TextCandidates[0], "the text is empty or has no visible character.");
            if (VisibleText.IsBlank(label))
                throw new DatasetFormatException(path, lineNumber, columns.LabelCandidates[0], "the label is empty or has no visible character.");
            examples.Add(new TextExample(text, label));
        }
        if (examples.Count == 0) throw new DatasetFormatException(path, null, null, "the file has no examples.");
        return examples;
    }

    private static string GetString(JsonElement obj, IReadOnlyList<string> candidates, string path, int line, string role)
    {
        foreach (var candidate in candidates)
        {
            if (!obj.TryGetProperty(candidate, out var value)) continue;
            if (value.ValueKind != JsonValueKind.String)
                throw new DatasetFormatException(path, line, candidate,
                    $"the {role} must be a JSON string but is {DatasetFiles.Describe(value.ValueKind)}.");
            return value.GetString()!;
        }
        throw new DatasetFormatException(path, line, candidates[0],
            $"the object has no {role} field '{string.Join("' or '", candidates)}'.");
    }
}
