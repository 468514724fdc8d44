using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace MetaNlp.Text;

/// <summary>What a run of <see cref="ScriptRuns.Split"/> holds.</summary>
internal enum ScriptRunKind
{
    /// <summary>One entity marker (<see cref="EntityMarkers"/>).</summary>
    Marker,

    /// <summary>Consecutive Han (CJK ideograph) characters.</summary>
    Han,

    /// <summary>Consecutive letters, digits, marks or underscores of other scripts (a Latin word, a number).</summary>
    Word,

    /// <summary>One other non-space character (punctuation, a symbol, an emoji cluster).</summary>
    Other,
}

/// <summary>
/// Splits mixed Chinese / other-script text into runs on grapheme-cluster boundaries, so no surrogate pair or emoji
/// sequence is ever cut apart: Han runs go to a Chinese segmenter, word runs stay whole, everything else is one
/// character per run, and white space only separates.
/// </summary>
internal static partial class ScriptRuns
{
    /// <summary>The runs of <paramref name="text"/> in order, white space dropped.</summary>
    public static IEnumerable<(string Text, ScriptRunKind Kind)> Split(string text)
    {
        foreach (var (piece, isMarker) in SplitMarkers(text))
        {
            if (isMarker)
            {
                yield return (piece, ScriptRunKind.Marker);
                continue;
            }
            var run = new StringBuilder();
            var runKind = ScriptRunKind.Other;
            var elements = StringInfo.GetTextElementEnumerator(piece);
            while (elements.MoveNext())
            {
                string element = elements.GetTextElement();
                var kind = IsSpace(element) ? (ScriptRunKind?)null : KindOf(element);
                if (run.Length > 0 && (kind != runKind || kind == ScriptRunKind.Other))
                {
                    yield return (run.ToString(), runKind);
                    run.Clear();
                }
                if (kind is ScriptRunKind k)
                {
                    run.Append(element);
                    runKind = k;
                }
            }
            if (run.Length > 0) yield return (run.ToString(), runKind);
        }
    }

    /// <summary>The text cut around entity markers: (piece, whether it is a marker).</summary>
    public static IEnumerable<(string Text, bool IsMarker)> SplitMarkers(string text)
    {
        int at = 0;
        foreach (Match m in MarkerPattern().Matches(text))
        {
            if (m.Index > at) yield return (text[at..m.Index], false);
            yield return (m.Value, true);
            at = m.Index + m.Length;
        }
        if (at < text.Length) yield return (text[at..], false);
    }

    /// <summary>Whether a text element is white space (including the ideographic space U+3000 and line separators).</summary>
    public static bool IsSpace(string element) => element.Length > 0 && element.All(char.IsWhiteSpace);

    /// <summary>Whether the rune is a Han ideograph (CJK Unified Ideographs, Extension A to the supplementary planes, compatibility ideographs).</summary>
    public static bool IsHan(Rune rune) => rune.Value is (>= 0x4E00 and <= 0x9FFF) or (>= 0x3400 and <= 0x4DBF) or (>= 0xF900 and <= 0xFAFF)
        or (>= 0x20000 and <= 0x3134F);

    private static ScriptRunKind KindOf(string element)
    {
        // A lone surrogate decodes as U+FFFD (a symbol), so broken text still splits instead of throwing.
        Rune.DecodeFromUtf16(element, out var rune, out _);
        if (IsHan(rune)) return ScriptRunKind.Han;
        return Rune.IsLetterOrDigit(rune) || rune.Value == '_' || Rune.GetUnicodeCategory(rune) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark
            ? ScriptRunKind.Word
            : ScriptRunKind.Other;
    }

    [GeneratedRegex(EntityMarkers.Pattern, RegexOptions.CultureInvariant)]
    private static partial Regex MarkerPattern();
}
