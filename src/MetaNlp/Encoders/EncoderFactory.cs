namespace MetaNlp.Encoders;

/// <summary>Builds an encoder from its options (for the CLI and for checkpoints).</summary>
public static class EncoderFactory
{
    /// <summary>A freshly initialised encoder of <see cref="EncoderOptions.Kind"/> (MiniLM: with its pretrained weights).</summary>
    public static TextEncoder Create(EncoderOptions options, int vocabularySize)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Kind switch
        {
            "cnn" => new CnnEncoder(vocabularySize, options),
            "boe" => new BagOfEmbeddingsEncoder(vocabularySize, options),
            "bilstm" => new BiLstmEncoder(vocabularySize, options),
            "transformer" => new TransformerEncoder(vocabularySize, options),
            MiniLmEncoder.KindName => vocabularySize == MiniLmWeights.VocabularySize
                ? new MiniLmEncoder(options)
                : throw new ArgumentException($"MiniLM reads ids of its own {MiniLmWeights.VocabularySize}-token vocabulary, not of a {vocabularySize}-token one."),
            _ => throw new ArgumentException($"Unknown encoder '{options.Kind}'; known: {string.Join(", ", EncoderOptions.Kinds)}."),
        };
    }
}
