using System.Text;

namespace MetaNlp.Generation;

/// <summary>
/// Python's text rules that the reference metrics depend on, so that our scores equal theirs on the same strings:
/// <c>str.split()</c> whitespace (which, unlike <see cref="char.IsWhiteSpace(char)"/>, also splits at U+001C to
/// U+001F) and indexing by code point rather than by UTF-16 unit.
/// </summary>
internal static class PythonText
{
    /// <summary>Whether Python's <c>str.isspace</c> holds for <paramref name="c"/>.</summary>
    public static bool IsWhitespace(int c) =>
        c is >= 0x1C and <= 0x1F || (c <= 0xFFFF && char.IsWhiteSpace((char)c));

    /// <summary><c>text.split()</c>: runs of whitespace separate, empty pieces dropped.</summary>
    public static string[] SplitWhitespace(string text)
    {
        var parts = new List<string>();
        var current = new StringBuilder();
        foreach (var rune in text.EnumerateRunes())
        {
            if (IsWhitespace(rune.Value))
            {
                if (current.Length > 0) parts.Add(current.ToString());
                current.Clear();
            }
            else current.Append(rune.ToString());
        }
        if (current.Length > 0) parts.Add(current.ToString());
        return [.. parts];
    }

    /// <summary>The code points of <paramref name="text"/> (Python's characters).</summary>
    public static int[] CodePoints(string text) => [.. text.EnumerateRunes().Select(r => r.Value)];
}
