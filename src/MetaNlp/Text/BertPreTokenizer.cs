using System.Globalization;
using System.Text;
using Microsoft.ML.Tokenizers;

namespace MetaNlp.Text;

/// <summary>
/// BERT's word split of normalized text (<see cref="BertTextNormalizer"/>): words are separated by spaces, and every
/// punctuation character (Unicode P* categories, and the ASCII symbols such as $, +, &lt;, ^, `, | and ~ that BERT
/// counts as punctuation) is a word of its own. Every other character, emoji included, stays in its word.
/// </summary>
/// <remarks>Microsoft.ML.Tokenizers' BERT pre-tokenizer keeps only <c>\w+</c> and P* runs, so it silently drops symbols such as $, € or emoji and keeps underscores inside words.</remarks>
public sealed class BertPreTokenizer : PreTokenizer
{
    /// <summary>The shared instance (the pre-tokenizer holds no state).</summary>
    public static BertPreTokenizer Instance { get; } = new();

    /// <inheritdoc />
    public override IEnumerable<(int Offset, int Length)> PreTokenize(string text) => Split(text.AsSpan());

    /// <inheritdoc />
    public override IEnumerable<(int Offset, int Length)> PreTokenize(ReadOnlySpan<char> text) => Split(text);

    /// <summary>Whether BERT splits a word at this character and keeps it as a word of its own.</summary>
    public static bool IsPunctuation(Rune rune) =>
        rune.Value is (>= 33 and <= 47) or (>= 58 and <= 64) or (>= 91 and <= 96) or (>= 123 and <= 126)
        || Rune.GetUnicodeCategory(rune) is UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation
            or UnicodeCategory.OpenPunctuation or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation
            or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.OtherPunctuation;

    private static List<(int Offset, int Length)> Split(ReadOnlySpan<char> text)
    {
        var words = new List<(int, int)>();
        int start = -1, index = 0;
        while (index < text.Length)
        {
            Rune.DecodeFromUtf16(text[index..], out var rune, out int consumed);
            if (rune.Value == ' ' || IsPunctuation(rune))
            {
                if (start >= 0) words.Add((start, index - start));
                start = -1;
                if (rune.Value != ' ') words.Add((index, consumed));
            }
            else if (start < 0)
            {
                start = index;
            }
            index += consumed;
        }
        if (start >= 0) words.Add((start, text.Length - start));
        return words;
    }
}
