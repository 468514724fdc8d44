using System.IO.Compression;
using System.Text;

namespace MetaNlp.Generation;

/// <summary>Reads the gzip-compressed UTF-8 text files of the shared generation data (one example a line, or JSON).</summary>
internal static class GzipText
{
    /// <summary>The lines of a .gz file (a trailing newline does not add an empty line).</summary>
    /// <exception cref="FileNotFoundException">The file does not exist (the message names it).</exception>
    public static List<string> ReadLines(string path)
    {
        var lines = new List<string>();
        using var reader = Open(path);
        while (reader.ReadLine() is { } line) lines.Add(line);
        return lines;
    }

    /// <summary>The whole text of a .gz file.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist (the message names it).</exception>
    public static string ReadAll(string path)
    {
        using var reader = Open(path);
        return reader.ReadToEnd();
    }

    private static StreamReader Open(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"generation data file not found: {path}", path);
        var gzip = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        return new StreamReader(gzip, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: false);
    }
}
