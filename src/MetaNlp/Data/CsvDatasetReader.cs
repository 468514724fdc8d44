using MetaNlp.Text;

namespace MetaNlp.Data;

/// <summary>
/// Reads a user's CSV file (RFC 4180: header row required, quoted fields with doubled quotes and embedded
/// newlines) into a one-part ("all") <see cref="TextDataset"/>. Every malformed input throws a
/// <see cref="DatasetFormatException"/> naming the file, the line and the column.
/// </summary>
public static class CsvDatasetReader
{
    /// <summary>Reads <paramref name="path"/> into a dataset with the single part "all".</summary>
    /// <param name="path">The CSV file.</param>
    /// <param name="columns">Text and label column names; null for the defaults ("text"/"label" with fallbacks).</param>
    /// <param name="name">Dataset name; defaults to the file name without extension.</param>
    public static TextDataset Load(string path, DatasetColumns? columns = null, string? name = null) =>
        new(name ?? Path.GetFileNameWithoutExtension(path), ReadExamples(path, columns));

    /// <summary>Reads the examples of <paramref name="path"/> in file order.</summary>
    /// <param name="path">The CSV file.</param>
    /// <param name="columns">Text and label column names; null for the defaults.</param>
    public static IReadOnlyList<TextExample> ReadExamples(string path, DatasetColumns? columns = null)
    {
        return Parse(DatasetFiles.ReadUserText(path), path, columns);
    }

    /// <summary>Parses CSV <paramref name="content"/>; <paramref name="path"/> names it in error messages.</summary>
    /// <param name="content">The CSV text.</param>
    /// <param name="path">The file name used in error messages.</param>
    /// <param name="columns">Text and label column names; null for the defaults.</param>
    public static IReadOnlyList<TextExample> Parse(string content, string path, DatasetColumns? columns = null)
    {
        columns ??= DatasetColumns.Default;
        var records = CsvRecordReader.Parse(content, path);
        if (records.Count == 0)
            throw new DatasetFormatException(path, 1, null, "the file is empty; a header row naming the text and label columns is required.");
        var header = records[0];
        var names = header.Fields.Select(f => f.Trim()).ToArray();
        int textIndex = FindColumn(names, columns.TextCandidates, path, header.LineNumber, "text");
        int labelIndex = FindColumn(names, columns.LabelCandidates, path, header.LineNumber, "label");
        var examples = new List<TextExample>(records.Count - 1);
        for (int r = 1; r < records.Count; r++)
        {
            var record = records[r];
            if (record.Fields.Count != names.Length)
                throw new DatasetFormatException(path, record.LineNumber, null,
                    $"expected {names.Length} fields as in the header ({Shown(names)}) but found {record.Fields.Count}.");
            var text = record.Fields[textIndex];
            var label = record.Fields[labelIndex].Trim();
            if (VisibleText.IsBlank(text))
                throw new DatasetFormatException(path, record.LineNumber, names[textIndex], "the text is empty or has no visible character.");
            if (VisibleText.IsBlank(label))
                throw new DatasetFormatException(path, record.LineNumber, names[labelIndex], "the label is empty or has no visible character.");
            examples.Add(new TextExample(text, label));
        }
        if (examples.Count == 0)
            throw new DatasetFormatException(path, header.LineNumber, null, "the file has a header row but no examples.");
        return examples;
    }

    /// <summary>The header's names for an error message, each and their number cut short (a wrong file can have a huge first line).</summary>
    private static string Shown(string[] names)
    {
        const int MaxNames = 12, MaxLength = 40;
        var shown = names.Take(MaxNames).Select(n => n.Length > MaxLength ? $"'{n[..MaxLength]}...'" : $"'{n}'");
        return string.Join(", ", shown) + (names.Length > MaxNames ? $" and {names.Length - MaxNames} more" : "");
    }

    private static int FindColumn(string[] names, IReadOnlyList<string> candidates, string path, int line, string role)
    {
        foreach (var candidate in candidates)
        {
            int index = Array.FindIndex(names, n => string.Equals(n, candidate, StringComparison.OrdinalIgnoreCase));
            if (index >= 0) return index;
        }
        throw new DatasetFormatException(path, line, candidates[0],
            $"the header has no {role} column '{string.Join("' or '", candidates)}'; it has: {Shown(names)}.");
    }
}
