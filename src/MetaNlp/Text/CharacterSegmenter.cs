using System.Globalization;

namespace MetaNlp.Text;

/// <summary>
/// Character-level segmentation: every non-space grapheme cluster (a Chinese character, a Latin letter, a digit, a
/// full-width comma, an emoji with its modifiers) is one token; entity markers stay whole. The vocabulary of Chinese
/// text is then a few thousand characters, so an unseen word still reads as characters seen in training.
/// </summary>
public sealed class CharacterSegmenter : ITextSegmenter
{
    /// <summary>The one instance (it has no state).</summary>
    public static CharacterSegmenter Instance { get; } = new();

    private CharacterSegmenter() { }

    /// <inheritdoc />
    public string Name => TextSegmenters.Characters;

    /// <inheritdoc />
    public IReadOnlyList<string> Split(string text, bool lowerCase)
    {
        ArgumentNullException.ThrowIfNull(text);
        var tokens = new List<string>();
        foreach (var (piece, isMarker) in ScriptRuns.SplitMarkers(text))
        {
            if (isMarker)
            {
                tokens.Add(piece);
                continue;
            }
            var elements = StringInfo.GetTextElementEnumerator(piece);
            while (elements.MoveNext())
            {
                string element = elements.GetTextElement();
                if (ScriptRuns.IsSpace(element)) continue;
                tokens.Add(lowerCase ? element.ToLowerInvariant() : element);
            }
        }
        return tokens;
    }
}
