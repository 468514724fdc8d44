namespace MetaNlp.Text;

/// <summary>The default segmentation, <see cref="WordTokenizer.Split"/>: words of letters and digits, one token per CJK ideograph.</summary>
public sealed class WordSegmenter : ITextSegmenter
{
    /// <summary>The one instance (it has no state).</summary>
    public static WordSegmenter Instance { get; } = new();

    private WordSegmenter() { }

    /// <inheritdoc />
    public string Name => TextSegmenters.Words;

    /// <inheritdoc />
    public IReadOnlyList<string> Split(string text, bool lowerCase) => WordTokenizer.Split(text, lowerCase);
}
