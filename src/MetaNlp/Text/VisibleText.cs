using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace MetaNlp.Text;

/// <summary>
/// Whether a text has anything to read. <see cref="string.IsNullOrWhiteSpace"/> lets through texts made only of
/// zero-width spaces, joiners, byte-order marks, bidirectional marks, control characters or fillers, which look empty
/// to a person, tokenize to nothing or to [UNK], and would be classified (or learned from) as if they said something.
/// </summary>
public static class VisibleText
{
    /// <summary>True when <paramref name="text"/> is null, empty, or has no visible character.</summary>
    public static bool IsBlank([NotNullWhen(false)] string? text)
    {
        if (string.IsNullOrEmpty(text)) return true;
        for (int i = 0; i < text.Length; i++)
        {
            if (!IsInvisible(text, i)) return false;
        }
        return true;
    }

    /// <summary>The text itself, or an <see cref="ArgumentException"/> naming <paramref name="what"/> when it has no visible character.</summary>
    public static string Require(string? text, string what, string? parameterName = null) =>
        IsBlank(text) ? throw new ArgumentException($"{what} has no visible character (it is empty or only spaces, control, zero-width or filler characters).", parameterName) : text!;

    private static bool IsInvisible(string text, int index)
    {
        char c = text[index];
        if (char.IsWhiteSpace(c)) return true;
        return CharUnicodeInfo.GetUnicodeCategory(text, index) switch
        {
            // Cc, Cf (zero-width space / joiners, BOM, bidi marks, soft hyphen), lone combining and enclosing marks
            // (variation selectors among them), and lone surrogates.
            UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark
                or UnicodeCategory.Surrogate => true,
            // Hangul fillers and the blank Braille pattern are letters or symbols that draw nothing.
            _ => c is '\u115F' or '\u1160' or '\u3164' or '\uFFA0' or '\u2800',
        };
    }
}
