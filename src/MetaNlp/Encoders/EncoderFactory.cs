using MetaNlp.Pretrained;

namespace MetaNlp.Encoders;

/// <summary>Builds an encoder from its options (for the CLI and for checkpoints).</summary>
public static class EncoderFactory
{
    /// <summary>A freshly initialised encoder of <see cref="EncoderOptions.Kind"/> (MiniLM: with its pretrained weights).</summary>
    /// <param name="options">Kind and sizes.</param>
    /// <param name="vocabularySize">Rows of the word embedding table.</param>
    /// <param name="entityPositions">Where the entity markers are: needed by <see cref="EncoderOptions.EntityPositionDim"/>.</param>
    /// <param name="entitySpans">Where the entities are: needed by <see cref="EncoderOptions.EntityPooling"/>.</param>
    public static TextEncoder Create(EncoderOptions options, int vocabularySize, EntityPositions? entityPositions = null, EntitySpans? entitySpans = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        ArgumentOutOfRangeException.ThrowIfNegative(vocabularySize);
        if (options.EntityPositionDim > 0 && options.Kind != "cnn")
            throw new ArgumentException($"Entity position embeddings are built into the cnn encoder only, not '{options.Kind}'.");
        if (options.Pooling != EncoderOptions.MaxPooling && options.Kind is not ("cnn" or MiniLmEncoder.KindName or BertFolder.KindName))
            throw new ArgumentException($"Pooling '{options.Pooling}' is built into the cnn and minilm encoders only (bert runs minilm's code), not '{options.Kind}' (poolings: {string.Join(", ", EncoderOptions.Poolings)}).");
        if (options.Kind == BertFolder.KindName) return BertFolder.CreateEncoder(options, vocabularySize, entitySpans);
        if (EncoderOptions.IsPretrained(options.Kind))
        {
            return vocabularySize == MiniLmWeights.VocabularySize
                ? new MiniLmEncoder(options, entitySpans)
                : throw new ArgumentException($"MiniLM reads ids of its own {MiniLmWeights.VocabularySize}-token vocabulary, not of a {vocabularySize}-token one.");
        }
        ValidateTokenTable(options);
        TextEncoder encoder = options.Kind switch
        {
            "cnn" => new CnnEncoder(vocabularySize, options, entityPositions, entitySpans),
            "boe" => new BagOfEmbeddingsEncoder(vocabularySize, options),
            "bilstm" => new BiLstmEncoder(vocabularySize, options),
            "transformer" => new TransformerEncoder(vocabularySize, options),
            _ => throw new ArgumentException($"Unknown encoder '{options.Kind}'; known: {string.Join(", ", EncoderOptions.AllKinds)}."),
        };
        if (options.Embeddings == EncoderOptions.MiniLmEmbeddings) PretrainedTokenTable.CopyInto(encoder);
        return encoder;
    }

    private static void ValidateTokenTable(EncoderOptions options)
    {
        if (!EncoderOptions.Tokenizers.Contains(options.Tokenizer))
            throw new ArgumentException($"Unknown tokenizer '{options.Tokenizer}'; known: {string.Join(", ", EncoderOptions.Tokenizers)}.");
        if (!EncoderOptions.EmbeddingInits.Contains(options.Embeddings))
            throw new ArgumentException($"Unknown embeddings '{options.Embeddings}'; known: {string.Join(", ", EncoderOptions.EmbeddingInits)}.");
        if (options.Embeddings != EncoderOptions.MiniLmEmbeddings) return;
        if (options.Tokenizer != EncoderOptions.WordPieceTokens)
            throw new ArgumentException($"MiniLM's token embeddings are rows of its WordPiece vocabulary: they need the '{EncoderOptions.WordPieceTokens}' tokenizer, not '{options.Tokenizer}'.");
        if (options.EmbeddingDim != MiniLmWeights.HiddenSize)
            throw new ArgumentException($"MiniLM's token embeddings have {MiniLmWeights.HiddenSize} dimensions; the embedding size is {options.EmbeddingDim}.");
    }
}
