using MetaNlp.Pretrained;

namespace MetaNlp.Encoders;

/// <summary>
/// The encoders this build knows (a list of the descriptors each encoder declares next to its own code,
/// <see cref="EncoderDescriptor"/>) and how one is built from its options (for the CLI and for checkpoints).
/// </summary>
public static class EncoderFactory
{
    /// <summary>Every encoder kind, in the order help texts list them.</summary>
    public static IReadOnlyList<EncoderDescriptor> Descriptors { get; } =
    [
        CnnEncoder.Descriptor, BagOfEmbeddingsEncoder.Descriptor, BiLstmEncoder.Descriptor, TransformerEncoder.Descriptor,
        MiniLmEncoder.Descriptor, BertFolder.Descriptor,
    ];

    /// <summary>The descriptor of <paramref name="kind"/>, or null if no encoder has that name.</summary>
    public static EncoderDescriptor? Find(string? kind) => Descriptors.FirstOrDefault(d => d.Kind == kind);

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
        var descriptor = Find(options.Kind) ?? throw new ArgumentException($"Unknown encoder '{options.Kind}'; known: {string.Join(", ", EncoderOptions.AllKinds)}.");
        if (options.EntityPositionDim > 0 && !descriptor.EntityPositionEmbeddings)
            throw new ArgumentException($"Entity position embeddings are built into the {KindsWith(d => d.EntityPositionEmbeddings)} encoder only, not '{options.Kind}'.");
        if (options.Pooling != EncoderOptions.MaxPooling && !descriptor.EntityPooling)
            throw new ArgumentException($"Pooling '{options.Pooling}' is built into the {KindsWith(d => d.EntityPooling && d.BuiltIn)} encoders only (and {KindsWith(d => d.EntityPooling && !d.BuiltIn)}, read from a folder), not '{options.Kind}' (poolings: {string.Join(", ", EncoderOptions.Poolings)}).");
        if (descriptor.Pretrained) return descriptor.Create(options, vocabularySize, entityPositions, entitySpans);
        ValidateTokenTable(options);
        var encoder = descriptor.Create(options, vocabularySize, entityPositions, entitySpans);
        if (PretrainedTokenTable.IsUsedBy(options)) PretrainedTokenTable.CopyInto(encoder);
        return encoder;
    }

    private static string KindsWith(Func<EncoderDescriptor, bool> feature)
    {
        var kinds = Descriptors.Where(feature).Select(d => d.Kind).ToList();
        return kinds.Count == 1 ? kinds[0] : $"{string.Join(", ", kinds[..^1])} and {kinds[^1]}";
    }

    private static void ValidateTokenTable(EncoderOptions options)
    {
        if (!EncoderOptions.Tokenizers.Contains(options.Tokenizer))
            throw new ArgumentException($"Unknown tokenizer '{options.Tokenizer}'; known: {string.Join(", ", EncoderOptions.Tokenizers)}.");
        if (!EncoderOptions.EmbeddingInits.Contains(options.Embeddings))
            throw new ArgumentException($"Unknown embeddings '{options.Embeddings}'; known: {string.Join(", ", EncoderOptions.EmbeddingInits)}.");
        if (!PretrainedTokenTable.IsUsedBy(options)) return;
        if (options.Tokenizer != EncoderOptions.WordPieceTokens)
            throw new ArgumentException($"MiniLM's token embeddings are rows of its WordPiece vocabulary: they need the '{EncoderOptions.WordPieceTokens}' tokenizer, not '{options.Tokenizer}'.");
        if (options.EmbeddingDim != MiniLmWeights.HiddenSize)
            throw new ArgumentException($"MiniLM's token embeddings have {MiniLmWeights.HiddenSize} dimensions; the embedding size is {options.EmbeddingDim}.");
    }
}
