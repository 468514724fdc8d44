namespace MetaNlp.Text;

/// <summary>Turns texts into token ids for an encoder. Implementations must not assume spaces between words.</summary>
public interface ITokenizer
{
    /// <summary>Number of ids the tokenizer can produce (the encoder's embedding rows).</summary>
    int VocabularySize { get; }

    /// <summary>Longest id sequence <see cref="Encode"/> returns; longer texts are truncated.</summary>
    int MaxLength { get; }

    /// <summary>The ids of one text, truncated to <see cref="MaxLength"/>.</summary>
    int[] Encode(string text);

    /// <summary>
    /// The id this tokenizer reads an entity marker (<see cref="EntityMarkers.All"/>) as, one token, or null where it
    /// reads the marker as ordinary text or never saw it. Encoders that find entities by id (position embeddings,
    /// entity pooling) are built from it, so they work with any tokenizer that has the capability.
    /// </summary>
    int? MarkerId(string marker);

    /// <summary>
    /// Why <see cref="MarkerId"/> is null for <paramref name="marker"/>: what the feature needs that is missing,
    /// worded to follow "Entity pooling need " in an error message.
    /// </summary>
    string MarkerIdMissing(string marker);

    /// <summary>
    /// What each id of <see cref="Encode"/> stands for, one string per id in the same order (words, word pieces such
    /// as "##ing", special tokens such as "[CLS]"): how explanations show attributions per token. A tokenizer that
    /// cannot say shows each id as "#id".
    /// </summary>
    IReadOnlyList<string> Tokens(string text) => [.. Encode(text).Select(id => "#" + id.ToString(System.Globalization.CultureInfo.InvariantCulture))];
}
