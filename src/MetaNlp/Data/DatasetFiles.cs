using System.IO.Compression;
using System.Text;
using System.Text.Json;

namespace MetaNlp.Data;

/// <summary>File helpers shared by the loaders: existence checks with clear messages, JSON lines, gzip.</summary>
internal static class DatasetFiles
{
    public static void RequireFile(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"Dataset file not found: '{Path.GetFullPath(path)}'.", path);
    }

    public static void RequireDirectory(string path)
    {
        if (!Directory.Exists(path))
            throw new DirectoryNotFoundException($"Dataset folder not found: '{Path.GetFullPath(path)}'.");
    }

    /// <summary>Lines of a text file (gzip-compressed when the name ends in .gz), with 1-based numbers.</summary>
    public static IEnumerable<(int LineNumber, string Line)> ReadLines(string path)
    {
        RequireFile(path);
        using var stream = OpenMaybeGzip(path);
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        int number = 0;
        while (reader.ReadLine() is { } line)
        {
            number++;
            yield return (number, line);
        }
    }

    public static Stream OpenMaybeGzip(string path)
    {
        var file = File.OpenRead(path);
        return path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionMode.Decompress) : file;
    }

    /// <summary>Parses each non-blank line as a JSON object.</summary>
    public static IEnumerable<(int LineNumber, JsonElement Object)> ReadJsonLines(string path)
    {
        foreach (var (number, line) in ReadLines(path))
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            JsonElement root;
            try
            {
                using var doc = JsonDocument.Parse(line);
                root = doc.RootElement.Clone();
            }
            catch (JsonException e)
            {
                throw new DatasetFormatException(path, number, null,
                    $"invalid JSON at character {(e.BytePositionInLine ?? 0) + 1}: {FirstSentence(e.Message)}", e);
            }
            if (root.ValueKind != JsonValueKind.Object)
                throw new DatasetFormatException(path, number, null,
                    $"expected one JSON object per line but found {Describe(root.ValueKind)}.");
            yield return (number, root);
        }
    }

    /// <summary>Parses a whole JSON file; a syntax error names the line.</summary>
    public static JsonDocument ParseJsonFile(string path)
    {
        RequireFile(path);
        using var stream = File.OpenRead(path);
        try
        {
            return JsonDocument.Parse(stream, new JsonDocumentOptions { AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new DatasetFormatException(path, (int)(e.LineNumber ?? 0) + 1, null,
                $"invalid JSON: {FirstSentence(e.Message)}", e);
        }
    }

    public static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => kind.ToString(),
    };

    private static string FirstSentence(string message)
    {
        int cut = message.IndexOf(" LineNumber", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).Trim();
    }
}
