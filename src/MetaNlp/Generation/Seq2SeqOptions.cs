namespace MetaNlp.Generation;

/// <summary>Sizes of <see cref="Seq2SeqTransformer"/> (a small pre-layer-norm encoder-decoder with tied embeddings).</summary>
public sealed record Seq2SeqOptions
{
    /// <summary>Number of token ids (a <see cref="BpeVocabulary"/>'s <c>Count</c>).</summary>
    public int VocabularySize { get; init; } = 8000;

    /// <summary>Width of every hidden state.</summary>
    public int ModelDim { get; init; } = 128;

    /// <summary>Attention heads (must divide <see cref="ModelDim"/>).</summary>
    public int Heads { get; init; } = 4;

    /// <summary>Width of the feed-forward layer.</summary>
    public int FeedForwardDim { get; init; } = 256;

    /// <summary>Encoder layers.</summary>
    public int EncoderLayers { get; init; } = 2;

    /// <summary>Decoder layers.</summary>
    public int DecoderLayers { get; init; } = 2;

    /// <summary>
    /// Checks the sizes (vocabulary 5 to 1,000,000 — the 4 special ids and one more; model width 2 to 4,096 and a
    /// multiple of the heads; heads 1 to 64; feed-forward 1 to 16,384; layers 1 to 24), naming the bad one.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of bounds.</exception>
    public void Validate()
    {
        OptionBounds.Check(nameof(VocabularySize), VocabularySize, 5, 1_000_000);
        OptionBounds.Check(nameof(ModelDim), ModelDim, 2, 4096);
        OptionBounds.Check(nameof(Heads), Heads, 1, 64);
        OptionBounds.Check(nameof(FeedForwardDim), FeedForwardDim, 1, 16_384);
        OptionBounds.Check(nameof(EncoderLayers), EncoderLayers, 1, 24);
        OptionBounds.Check(nameof(DecoderLayers), DecoderLayers, 1, 24);
        if (ModelDim % Heads != 0)
            throw new ArgumentOutOfRangeException(nameof(Heads), Heads, $"Heads must divide ModelDim ({ModelDim}).");
    }
}
