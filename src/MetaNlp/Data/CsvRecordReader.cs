using System.Text;

namespace MetaNlp.Data;

/// <summary>One CSV record with the 1-based line number on which it starts.</summary>
/// <param name="LineNumber">Line on which the record starts.</param>
/// <param name="Fields">The unquoted field values.</param>
internal sealed record CsvRecord(int LineNumber, IReadOnlyList<string> Fields);

/// <summary>
/// RFC 4180 CSV parsing: comma separator, fields optionally in double quotes, a doubled quote inside a
/// quoted field is one quote, quoted fields may span lines; CRLF, LF and CR line ends; blank lines skipped.
/// </summary>
internal static class CsvRecordReader
{
    /// <summary>Parses <paramref name="content"/>; <paramref name="filePath"/> is used in error messages.</summary>
    public static List<CsvRecord> Parse(string content, string filePath)
    {
        var records = new List<CsvRecord>();
        var fields = new List<string>();
        var field = new StringBuilder();
        int line = 1;
        int recordLine = 1;
        int i = 0;
        int n = content.Length;
        if (n > 0 && content[0] == '\uFEFF') i = 1;
        bool atFieldStart = true;
        bool recordHasContent = false;

        void EndRecord()
        {
            fields.Add(field.ToString());
            field.Clear();
            bool blank = fields.Count == 1 && fields[0].Length == 0 && !recordHasContent;
            if (!blank) records.Add(new CsvRecord(recordLine, fields.ToArray()));
            fields.Clear();
            atFieldStart = true;
            recordHasContent = false;
        }

        while (i < n)
        {
            char c = content[i];
            if (atFieldStart && c == '"')
            {
                int quoteLine = line;
                recordHasContent = true;
                i++;
                while (true)
                {
                    if (i >= n)
                        throw new DatasetFormatException(filePath, quoteLine, null,
                            "unterminated quoted field: the quote opened on this line is never closed.");
                    char q = content[i];
                    if (q == '"')
                    {
                        if (i + 1 < n && content[i + 1] == '"')
                        {
                            field.Append('"');
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    if (q == '\r')
                    {
                        if (i + 1 < n && content[i + 1] == '\n') i++;
                        field.Append('\n');
                        line++;
                        i++;
                        continue;
                    }
                    if (q == '\n') line++;
                    field.Append(q);
                    i++;
                }
                // After a closing quote only a separator or the end of the line may follow.
                if (i < n && content[i] != ',' && content[i] != '\r' && content[i] != '\n')
                    throw new DatasetFormatException(filePath, line, null,
                        $"unexpected character '{content[i]}' after a closing quote (a quote inside a quoted field must be doubled).");
                atFieldStart = false;
                continue;
            }

            if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
                recordHasContent = true;
                atFieldStart = true;
                i++;
                continue;
            }
            if (c == '\r' || c == '\n')
            {
                if (c == '\r' && i + 1 < n && content[i + 1] == '\n') i++;
                i++;
                EndRecord();
                line++;
                recordLine = line;
                continue;
            }
            field.Append(c);
            recordHasContent = true;
            atFieldStart = false;
            i++;
        }
        if (recordHasContent || field.Length > 0 || fields.Count > 0) EndRecord();
        return records;
    }
}
