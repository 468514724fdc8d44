using System.IO.Compression;
using System.Text;
using System.Text.Json;

namespace MetaNlp.Data;

/// <summary>File helpers shared by the loaders: existence checks with clear messages, JSON lines, gzip.</summary>
internal static class DatasetFiles
{
    /// <summary>Throws <see cref="FileNotFoundException"/> naming <paramref name="path"/> as <paramref name="what"/> when it does not exist.</summary>
    public static void RequireFile(string path, string what = "Dataset file")
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"{what} not found: '{Path.GetFullPath(path)}'.", path);
    }

    public static void RequireDirectory(string path)
    {
        if (!Directory.Exists(path))
            throw new DirectoryNotFoundException($"Dataset folder not found: '{Path.GetFullPath(path)}'.");
    }

    /// <summary>Lines of a text file (gzip-compressed when the name ends in .gz), with 1-based numbers.</summary>
    /// <param name="path">The file.</param>
    /// <param name="userText">A user's own file: bytes that are not UTF-8, or a NUL character, are an error naming the
    /// line (a binary file or another encoding would otherwise be read as replacement characters).</param>
    public static IEnumerable<(int LineNumber, string Line)> ReadLines(string path, bool userText = false)
    {
        RequireFile(path);
        using var stream = OpenMaybeGzip(path);
        using var reader = new StreamReader(stream, userText ? StrictUtf8 : Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        int number = 0;
        while (true)
        {
            string? line;
            try
            {
                line = reader.ReadLine();
            }
            catch (DecoderFallbackException e)
            {
                throw NotText(path, number + 1, e);
            }
            if (line is null) yield break;
            number++;
            if (userText && line.Contains('\0')) throw NotText(path, number, null);
            yield return (number, line);
        }
    }

    /// <summary>The whole of a user's text file, checked as <see cref="ReadLines"/> checks it.</summary>
    /// <param name="path">The file.</param>
    /// <param name="what">What the file is, for the message when it is missing.</param>
    public static string ReadUserText(string path, string what = "Dataset file")
    {
        RequireFile(path, what);
        string content;
        try
        {
            content = File.ReadAllText(path, StrictUtf8);
        }
        catch (DecoderFallbackException e)
        {
            throw NotText(path, null, e);
        }
        int nul = content.IndexOf('\0');
        if (nul >= 0) throw NotText(path, 1 + content.AsSpan(0, nul).Count('\n'), null);
        return content;
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static DatasetFormatException NotText(string path, int? line, Exception? inner) =>
        new(path, line, null, inner is null
            ? "the file has a NUL character: it is a binary file, not text (save the data as UTF-8 CSV or JSON lines)."
            : "the file is not UTF-8 text (a binary file, or text in another encoding: save it as UTF-8).", inner);

    public static Stream OpenMaybeGzip(string path)
    {
        var file = File.OpenRead(path);
        return path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionMode.Decompress) : file;
    }

    /// <summary>Parses each non-blank line as a JSON object.</summary>
    /// <param name="path">The file.</param>
    /// <param name="userText">A user's own file, read strictly (see <see cref="ReadLines"/>).</param>
    public static IEnumerable<(int LineNumber, JsonElement Object)> ReadJsonLines(string path, bool userText = false)
    {
        foreach (var (number, line) in ReadLines(path, userText))
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
