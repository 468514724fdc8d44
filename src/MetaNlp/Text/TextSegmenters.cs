namespace MetaNlp.Text;

/// <summary>
/// The segmentations a fitted word vocabulary can use, by the name a model spec records (the encoder's tokenizer):
/// <see cref="Words"/> (the default), <see cref="Jieba"/> (Chinese words) and <see cref="Characters"/>.
/// </summary>
public static class TextSegmenters
{
    /// <summary>Runs of letters and digits are words, each CJK ideograph and each other mark its own token (<see cref="WordTokenizer.Split"/>).</summary>
    public const string Words = "words";

    /// <summary>Chinese runs segmented into words by jieba (<see cref="JiebaSegmenter"/>); other scripts as <see cref="Words"/>.</summary>
    public const string Jieba = "jieba";

    /// <summary>Every character (grapheme) its own token (<see cref="CharacterSegmenter"/>).</summary>
    public const string Characters = "chars";

    /// <summary>The segmenter called <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">The name is not one of <see cref="Words"/>, <see cref="Jieba"/>, <see cref="Characters"/>.</exception>
    public static ITextSegmenter For(string name) => name switch
    {
        Words => WordSegmenter.Instance,
        Jieba => JiebaSegmenter.Instance,
        Characters => CharacterSegmenter.Instance,
        _ => throw new ArgumentException($"Unknown segmentation '{name}'; known: {Words}, {Jieba}, {Characters}.", nameof(name)),
    };

    /// <summary>Whether <paramref name="name"/> is a segmentation of a fitted vocabulary.</summary>
    public static bool IsKnown(string name) => name is Words or Jieba or Characters;
}
