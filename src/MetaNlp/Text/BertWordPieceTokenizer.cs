using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;
using MetaNlp.Pretrained;

namespace MetaNlp.Text;

/// <summary>
/// BERT uncased WordPiece tokenization over a fixed vocabulary (the MiniLM encoder's): <see cref="BertTextNormalizer"/>
/// and <see cref="BertPreTokenizer"/> apply BERT's rules, Microsoft.ML.Tokenizers' <see cref="BertTokenizer"/> finds
/// the greedy longest-match-first word pieces (<c>##</c> continuations, [UNK] for a word with no match or of over 100
/// characters). <see cref="Encode"/> returns [CLS] pieces [SEP], keeping the first <see cref="MaxLength"/> - 2
/// pieces of a long text, as sentence-transformers truncates. Padding in a <see cref="TokenBatch"/> is id 0, BERT's
/// [PAD].
/// </summary>
public sealed partial class BertWordPieceTokenizer : ITokenizer
{
    private readonly BertTokenizer _tokenizer;
    private readonly Dictionary<string, int>? _markerIds;
    private readonly string[] _tokens; // vocab.txt by id, to show what each id stands for

    private BertWordPieceTokenizer(BertTokenizer tokenizer, string[] tokens, int maxLength, Dictionary<string, int>? markerIds = null)
    {
        _tokenizer = tokenizer;
        _tokens = tokens;
        VocabularySize = tokens.Length;
        MaxLength = maxLength;
        _markerIds = markerIds;
    }

    /// <summary>Id of [PAD], the id <see cref="TokenBatch"/> pads with.</summary>
    public const int PadId = 0;

    /// <inheritdoc />
    public int VocabularySize { get; }

    /// <inheritdoc />
    public int MaxLength { get; }

    /// <summary>Id of [CLS], the first id of every text.</summary>
    public int ClassificationId => _tokenizer.ClassificationTokenId;

    /// <summary>Id of [SEP], the last id of every text.</summary>
    public int SeparatorId => _tokenizer.SeparatorTokenId;

    /// <summary>Id of [UNK].</summary>
    public int UnknownId => _tokenizer.UnknownTokenId;

    /// <summary>The tokenizer of the pretrained MiniLM encoder, over the vocabulary in its package.</summary>
    /// <param name="maxLength">Longest id sequence, [CLS] and [SEP] included (at most the encoder's 512 positions).</param>
    public static BertWordPieceTokenizer MiniLm(int maxLength = 128)
    {
        if (maxLength > MiniLmWeights.MaxPositions) throw new ArgumentOutOfRangeException(nameof(maxLength), $"MiniLM reads at most {MiniLmWeights.MaxPositions} tokens.");
        using var vocabulary = MiniLmWeights.OpenVocabulary();
        return FromVocabulary(vocabulary, maxLength);
    }

    /// <summary>A tokenizer over a BERT vocabulary file (one token per line, id = line number; CRLF or LF).</summary>
    /// <param name="vocabulary">The vocab.txt stream; read to its end, not disposed.</param>
    /// <param name="maxLength">Longest id sequence, [CLS] and [SEP] included.</param>
    public static BertWordPieceTokenizer FromVocabulary(Stream vocabulary, int maxLength = 128)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        if (maxLength < 2) throw new ArgumentOutOfRangeException(nameof(maxLength), "MaxLength must leave room for [CLS] and [SEP].");
        using var copy = new MemoryStream();
        vocabulary.CopyTo(copy);
        // The vocabulary loader reads lines with StreamReader.ReadLine, which ends a line at CR, LF or CRLF, so no token
        // of a CRLF vocab.txt keeps a '\r'; counted the same way here.
        copy.Position = 0;
        var lines = new List<string>();
        using (var reader = new StreamReader(copy, leaveOpen: true))
        {
            while (reader.ReadLine() is { } line) lines.Add(line);
        }
        copy.Position = 0;
        var tokenizer = BertTokenizer.Create(copy, new BertOptions
        {
            Normalizer = BertTextNormalizer.Instance,
            PreTokenizer = BertPreTokenizer.Instance,
            SplitOnSpecialTokens = false, // BERT's basic tokenizer reads "[CLS]" in a text as "[", "cls", "]"
        });
        if (tokenizer.PaddingTokenId != PadId) throw new InvalidDataException($"The vocabulary has [PAD] at id {tokenizer.PaddingTokenId}; MetaNlp pads with id {PadId}.");
        return new BertWordPieceTokenizer(tokenizer, [.. lines], maxLength);
    }

    /// <summary>Whether entity markers are read as one reserved token each (<see cref="WithEntityMarkerTokens"/>).</summary>
    public bool EntityMarkerTokens => _markerIds is not null;

    /// <summary>The id an entity marker is read as (<see cref="WithEntityMarkerTokens"/>), or null when markers are read as pieces.</summary>
    public int? MarkerId(string marker) => _markerIds is not null && _markerIds.TryGetValue(marker, out int id) ? id : null;

    /// <inheritdoc/>
    public string MarkerIdMissing(string marker) => "the entity markers as tokens; the pretrained encoder's tokenizer reads them as pieces.";

    /// <summary>
    /// The same tokenizer, reading each entity marker (<see cref="EntityMarkers.All"/>) as one reserved token, [unused1]
    /// to [unused4], where BERT's rules read "[/E1]" as five pieces ("[", "/", "e", "##1", "]"). For token tables
    /// trained on relation text, where a marker should be one learned token as it is for the word tokenizer; the
    /// pretrained MiniLM encoder never trained those rows, so it keeps the pieces.
    /// </summary>
    /// <exception cref="InvalidDataException">The vocabulary lacks the reserved tokens.</exception>
    public BertWordPieceTokenizer WithEntityMarkerTokens()
    {
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < EntityMarkers.All.Count; i++)
        {
            string reserved = $"[unused{i + 1}]";
            ids[EntityMarkers.All[i]] = IdOf(reserved) ?? throw new InvalidDataException($"The vocabulary has no {reserved} to read {EntityMarkers.All[i]} as.");
        }
        return new BertWordPieceTokenizer(_tokenizer, _tokens, MaxLength, ids);
    }

    /// <inheritdoc />
    public int[] Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var pieces = _markerIds is null ? _tokenizer.EncodeToIds(text, addSpecialTokens: false) : PiecesAndMarkers(text, _markerIds);
        int kept = Math.Min(pieces.Count, MaxLength - 2);
        var ids = new int[kept + 2];
        ids[0] = ClassificationId;
        for (int i = 0; i < kept; i++) ids[i + 1] = pieces[i];
        ids[kept + 1] = SeparatorId;
        return ids;
    }

    /// <summary>The vocabulary entry of each id <see cref="Encode"/> returns: "[CLS]", the pieces ("play", "##ing"; a marker read as one token shows as the marker), "[SEP]".</summary>
    public IReadOnlyList<string> Tokens(string text)
    {
        var markers = _markerIds?.ToDictionary(p => p.Value, p => p.Key);
        return [.. Encode(text).Select(id => markers is not null && markers.TryGetValue(id, out var marker) ? marker : id < _tokens.Length ? _tokens[id] : "#" + id.ToString(System.Globalization.CultureInfo.InvariantCulture))];
    }

    private List<int> PiecesAndMarkers(string text, Dictionary<string, int> markerIds)
    {
        var ids = new List<int>();
        int start = 0;
        foreach (Match marker in MarkerPattern().Matches(text))
        {
            ids.AddRange(_tokenizer.EncodeToIds(text[start..marker.Index], addSpecialTokens: false));
            ids.Add(markerIds[marker.Value]);
            start = marker.Index + marker.Length;
        }
        ids.AddRange(_tokenizer.EncodeToIds(text[start..], addSpecialTokens: false));
        return ids;
    }

    [GeneratedRegex(EntityMarkers.Pattern, RegexOptions.CultureInvariant)]
    private static partial Regex MarkerPattern();

    /// <summary>The id of a vocabulary token (such as "hello" or "##ing"), or null if the vocabulary lacks it.</summary>
    public int? IdOf(string token)
    {
        var ids = _tokenizer.EncodeToIds(token, addSpecialTokens: false, considerPreTokenization: false, considerNormalization: false);
        return ids.Count == 1 && ids[0] != UnknownId ? ids[0] : null;
    }
}
