namespace MetaNlp.Text;

/// <summary>
/// Splits a text into the tokens a fitted vocabulary is built from and looked up with (no vocabulary lookup, no
/// truncation). Implementations must not assume spaces between words, must keep entity markers
/// (<see cref="EntityMarkers"/>) whole, and must never cut a character (a surrogate pair or a grapheme cluster) apart.
/// </summary>
public interface ITextSegmenter
{
    /// <summary>The name recorded in a model spec (<see cref="TextSegmenters"/>).</summary>
    string Name { get; }

    /// <summary>The tokens of <paramref name="text"/>, lower-cased (entity markers excepted) when <paramref name="lowerCase"/>.</summary>
    IReadOnlyList<string> Split(string text, bool lowerCase);
}
