namespace MetaNlp.Encoders;

/// <summary>
/// What the library knows about one encoder kind, written once next to its class (a static <c>Descriptor</c>): its
/// name (<see cref="EncoderOptions.Kind"/>), the features it builds in and its factory. <see cref="EncoderFactory"/>
/// lists the descriptors and checks options against them, so no other file names an encoder kind.
/// </summary>
/// <param name="Kind">The name checkpoints record and <c>--encoder</c> takes ("cnn", "minilm").</param>
/// <param name="EncoderType">The class the factory builds (minilm and bert share one).</param>
/// <param name="Create">Builds the encoder from checked options, the tokenizer's vocabulary size, and the entity
/// positions and spans where the options ask for them.</param>
public sealed record EncoderDescriptor(string Kind, Type EncoderType, Func<EncoderOptions, int, EntityPositions?, EntitySpans?, TextEncoder> Create)
{
    /// <summary>A pretrained encoder with its own fixed WordPiece tokenizer and weights (no fitted vocabulary, no token table options).</summary>
    public bool Pretrained { get; init; }

    /// <summary>A value of the command line's <c>--encoder</c> with a training recipe; false for encoders read from a folder (bert).</summary>
    public bool BuiltIn { get; init; } = true;

    /// <summary>Builds in the entity position embeddings (<see cref="EncoderOptions.EntityPositionDim"/>).</summary>
    public bool EntityPositionEmbeddings { get; init; }

    /// <summary>Builds in entity pooling (<see cref="EncoderOptions.EntityPooling"/>).</summary>
    public bool EntityPooling { get; init; }
}
