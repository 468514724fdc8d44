namespace MetaNlp.Data;

/// <summary>
/// A dataset or split file is malformed. The message always names the file, and the line number and the
/// column or field where they are known, e.g. <c>data.csv, line 12, column 'label': the label is empty.</c>
/// </summary>
public sealed class DatasetFormatException : FormatException
{
    /// <summary>Creates the exception; the message is built from the location and <paramref name="detail"/>.</summary>
    /// <param name="filePath">The file that is malformed.</param>
    /// <param name="lineNumber">1-based line number, or null when the problem is not on one line.</param>
    /// <param name="field">Column or field name, or null.</param>
    /// <param name="detail">What is wrong.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public DatasetFormatException(string filePath, int? lineNumber, string? field, string detail, Exception? innerException = null)
        : base(Compose(filePath, lineNumber, field, detail), innerException)
    {
        FilePath = filePath;
        LineNumber = lineNumber;
        Field = field;
        Detail = detail;
    }

    /// <summary>The malformed file.</summary>
    public string FilePath { get; }

    /// <summary>1-based line number, or null when the problem is not on one line.</summary>
    public int? LineNumber { get; }

    /// <summary>Column or field name, or null.</summary>
    public string? Field { get; }

    /// <summary>What is wrong, without the location.</summary>
    public string Detail { get; }

    private static string Compose(string filePath, int? lineNumber, string? field, string detail)
    {
        var location = filePath;
        if (lineNumber is int line) location += $", line {line}";
        if (field is not null) location += $", field '{field}'";
        return $"{location}: {detail}";
    }
}
