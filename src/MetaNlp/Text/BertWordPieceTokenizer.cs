using MetaNlp.Encoders;
using Microsoft.ML.Tokenizers;

namespace MetaNlp.Text;

/// <summary>
/// BERT uncased WordPiece tokenization over a fixed vocabulary (the MiniLM encoder's): <see cref="BertTextNormalizer"/>
/// and <see cref="BertPreTokenizer"/> apply BERT's rules, Microsoft.ML.Tokenizers' <see cref="BertTokenizer"/> finds
/// the greedy longest-match-first word pieces (<c>##</c> continuations, [UNK] for a word with no match or of over 100
/// characters). <see cref="Encode"/> returns [CLS] pieces [SEP], keeping the first <see cref="MaxLength"/> - 2
/// pieces of a long text, as sentence-transformers truncates. Padding in a <see cref="TokenBatch"/> is id 0, BERT's
/// [PAD].
/// </summary>
public sealed class BertWordPieceTokenizer : ITokenizer
{
    private readonly BertTokenizer _tokenizer;

    private BertWordPieceTokenizer(BertTokenizer tokenizer, int vocabularySize, int maxLength)
    {
        _tokenizer = tokenizer;
        VocabularySize = vocabularySize;
        MaxLength = maxLength;
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
        int lines = 0;
        using (var reader = new StreamReader(copy, leaveOpen: true))
        {
            while (reader.ReadLine() is not null) lines++;
        }
        copy.Position = 0;
        var tokenizer = BertTokenizer.Create(copy, new BertOptions
        {
            Normalizer = BertTextNormalizer.Instance,
            PreTokenizer = BertPreTokenizer.Instance,
            SplitOnSpecialTokens = false, // BERT's basic tokenizer reads "[CLS]" in a text as "[", "cls", "]"
        });
        if (tokenizer.PaddingTokenId != PadId) throw new InvalidDataException($"The vocabulary has [PAD] at id {tokenizer.PaddingTokenId}; MetaNlp pads with id {PadId}.");
        return new BertWordPieceTokenizer(tokenizer, lines, maxLength);
    }

    /// <inheritdoc />
    public int[] Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var pieces = _tokenizer.EncodeToIds(text, addSpecialTokens: false);
        int kept = Math.Min(pieces.Count, MaxLength - 2);
        var ids = new int[kept + 2];
        ids[0] = ClassificationId;
        for (int i = 0; i < kept; i++) ids[i + 1] = pieces[i];
        ids[kept + 1] = SeparatorId;
        return ids;
    }

    /// <summary>The id of a vocabulary token (such as "hello" or "##ing"), or null if the vocabulary lacks it.</summary>
    public int? IdOf(string token)
    {
        var ids = _tokenizer.EncodeToIds(token, addSpecialTokens: false, considerPreTokenization: false, considerNormalization: false);
        return ids.Count == 1 && ids[0] != UnknownId ? ids[0] : null;
    }
}
