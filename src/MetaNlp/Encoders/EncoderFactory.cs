namespace MetaNlp.Encoders;

/// <summary>Builds an encoder from its options (for the CLI and for checkpoints).</summary>
public static class EncoderFactory
{
    /// <summary>A freshly initialised encoder of <see cref="EncoderOptions.Kind"/> (MiniLM: with its pretrained weights).</summary>
    /// <param name="options">Kind and sizes.</param>
    /// <param name="vocabularySize">Rows of the word embedding table.</param>
    /// <param name="entityPositions">Where the entity markers are: needed by <see cref="EncoderOptions.EntityPositionDim"/>.</param>
    public static TextEncoder Create(EncoderOptions options, int vocabularySize, EntityPositions? entityPositions = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.EntityPositionDim > 0 && options.Kind != "cnn")
            throw new ArgumentException($"Entity position embeddings are built into the cnn encoder only, not '{options.Kind}'.");
        return options.Kind switch
        {
            "cnn" => new CnnEncoder(vocabularySize, options, entityPositions),
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
