using MetaNlp.Pretrained;

namespace MetaNlp.Encoders;

/// <summary>Which encoder to build and its sizes. Stored in checkpoints, so a saved model rebuilds itself.</summary>
public sealed record EncoderOptions
{
    /// <summary>Encoder kind: "cnn" (Kim 2014), "boe" (bag of embeddings), "bilstm" (BiLSTM with self-attention), "transformer", "minilm" (pretrained all-MiniLM-L6-v2, built in), or "bert" (a BERT-family model from a local folder, <see cref="Path"/>).</summary>
    public string Kind { get; init; } = CnnEncoder.KindName;

    /// <summary>Word embedding size.</summary>
    public int EmbeddingDim { get; init; } = 300;

    /// <summary>CNN: filters per width.</summary>
    public int Filters { get; init; } = 100;

    /// <summary>CNN: filter widths in tokens.</summary>
    public IReadOnlyList<int> FilterWidths { get; init; } = [3, 4, 5];

    /// <summary>BiLSTM: hidden units per direction (the sentence vector has twice as many).</summary>
    public int HiddenSize { get; init; } = 128;

    /// <summary>BiLSTM: size of the self-attention layer that pools the states (Lin et al. 2017).</summary>
    public int AttentionSize { get; init; } = 64;

    /// <summary>Transformer: layers.</summary>
    public int Layers { get; init; } = 2;

    /// <summary>Transformer: attention heads (must divide <see cref="EmbeddingDim"/>).</summary>
    public int Heads { get; init; } = 4;

    /// <summary>Transformer: hidden units of each layer's feed-forward block.</summary>
    public int FeedForwardSize { get; init; } = 512;

    /// <summary>Transformer: learned positions, so the longest text it reads (tokens).</summary>
    public int MaxPositions { get; init; } = 128;

    /// <summary>
    /// CNN: size of each of the two position embeddings (distance of every token to the head and to the tail entity,
    /// <see cref="EntityPositions"/>) added to the word embeddings of relation-classification text; 0 turns them off.
    /// Proto-CNN on FewRel uses 5.
    /// </summary>
    public int EntityPositionDim { get; init; }

    /// <summary>
    /// CNN: how the convolution windows become the sentence vector. <see cref="MaxPooling"/> takes each filter's
    /// maximum over all windows (Kim 2014). <see cref="EntityPooling"/>, for relation-classification text with entity
    /// markers, adds each filter's maximum over the windows that overlap the marked head entity and over those that
    /// overlap the marked tail entity (<see cref="EntitySpans"/>), so the vector is three times as long and says which
    /// features sit on the entities, where a relation shows.
    /// </summary>
    public string Pooling { get; init; } = MaxPooling;

    /// <summary>Dropout on the sentence vector while training (0 turns it off).</summary>
    public double Dropout { get; init; }

    /// <summary>
    /// While training, replace each real token by the unknown token with this probability (word dropout): the
    /// encoder cannot lean on single training-class words, which is what overfits a few training classes. The
    /// replacement is row 1 of the token table: &lt;unk&gt; of a fitted vocabulary, [unused0] of WordPiece (a row no
    /// text uses, so dropped tokens share one learned vector there too).
    /// </summary>
    public double WordDropout { get; init; }

    /// <summary>
    /// Tokens of the word-based encoders (cnn, boe, bilstm, transformer): <see cref="WordTokens"/>, a vocabulary fitted
    /// to the training classes' words (any other word is &lt;unk&gt;), or <see cref="WordPieceTokens"/>, MiniLM's fixed
    /// 30,522-piece uncased BERT vocabulary, where a word unseen in training is read as pieces that may have been seen;
    /// for Chinese, <see cref="JiebaTokens"/> (a vocabulary of jieba-segmented words) or <see cref="CharacterTokens"/>
    /// (a vocabulary of characters; <see cref="Text.TextSegmenters"/>). The minilm encoder always uses WordPiece.
    /// </summary>
    public string Tokenizer { get; init; } = WordTokens;

    /// <summary>
    /// Initial token table of the word-based encoders: <see cref="RandomEmbeddings"/> (standard normal) or
    /// <see cref="MiniLmEmbeddings"/>, MiniLM's pretrained token embeddings (<see cref="PretrainedTokenTable"/>), which
    /// needs <see cref="WordPieceTokens"/> and <see cref="EmbeddingDim"/> 384.
    /// </summary>
    public string Embeddings { get; init; } = RandomEmbeddings;

    /// <summary>Keep the word embeddings (random or pretrained) fixed and train only the layers above them: far fewer parameters to overfit a few training classes with.</summary>
    public bool FreezeEmbeddings { get; init; }

    /// <summary>
    /// MiniLM: how much of the pretrained encoder training changes. 0 keeps it frozen (each distinct text's vector is
    /// computed once and cached), 1 to 6 fine-tune that many top layers, -1 fine-tunes every weight, embeddings
    /// included (unless <see cref="FreezeEmbeddings"/>).
    /// </summary>
    public int FineTuneLayers { get; init; }

    /// <summary>
    /// bert: the local folder with the model's config.json, vocab.txt and model.safetensors (<see cref="BertFolder"/>);
    /// recorded as a full path. Null for every other kind.
    /// </summary>
    public string? Path { get; init; }

    /// <summary>
    /// bert: lower-case hex SHA-256 of the folder's model.safetensors, recorded when the spec is made
    /// (<see cref="BertFolder.Pin"/>): a checkpoint is refused if the file changed since. Null for every other kind.
    /// </summary>
    public string? WeightsSha256 { get; init; }

    /// <summary>
    /// bert: lower-case hex SHA-256 of the folder's vocab.txt, recorded with <see cref="WeightsSha256"/>: another
    /// vocabulary would give other ids to the same weights, so a checkpoint is refused if the file changed since.
    /// </summary>
    public string? VocabularySha256 { get; init; }

    /// <summary>Longest <see cref="Path"/>, in characters.</summary>
    public const int MaxPathLength = 4096;

    /// <summary><see cref="Tokenizer"/>: a vocabulary fitted to the training texts' words.</summary>
    public const string WordTokens = "words";

    /// <summary><see cref="Tokenizer"/>: MiniLM's WordPiece vocabulary.</summary>
    public const string WordPieceTokens = "wordpiece";

    /// <summary><see cref="Tokenizer"/>: a vocabulary of words cut by jieba (Chinese), fitted to the training texts.</summary>
    public const string JiebaTokens = Text.TextSegmenters.Jieba;

    /// <summary><see cref="Tokenizer"/>: a vocabulary of single characters (graphemes), fitted to the training texts.</summary>
    public const string CharacterTokens = Text.TextSegmenters.Characters;

    /// <summary><see cref="Embeddings"/>: a standard normal token table.</summary>
    public const string RandomEmbeddings = "random";

    /// <summary><see cref="Embeddings"/>: MiniLM's pretrained token table.</summary>
    public const string MiniLmEmbeddings = "minilm";

    /// <summary><see cref="Pooling"/>: the maximum over all windows.</summary>
    public const string MaxPooling = "max";

    /// <summary><see cref="Pooling"/>: the maximum over all windows, over the head entity's and over the tail entity's.</summary>
    public const string EntityPooling = "entities";

    /// <summary>The <see cref="Pooling"/> values.</summary>
    public static IReadOnlyList<string> Poolings { get; } = [MaxPooling, EntityPooling];

    /// <summary>The <see cref="Tokenizer"/> values.</summary>
    public static IReadOnlyList<string> Tokenizers { get; } = [WordTokens, WordPieceTokens, JiebaTokens, CharacterTokens];

    /// <summary>The <see cref="Embeddings"/> values.</summary>
    public static IReadOnlyList<string> EmbeddingInits { get; } = [RandomEmbeddings, MiniLmEmbeddings];

    /// <summary>Whether the encoder reads MiniLM's WordPiece ids (so no vocabulary is fitted to training texts).</summary>
    public bool UsesWordPiece() => IsPretrained(Kind) || Tokenizer == WordPieceTokens;

    /// <summary>The built-in encoder kinds: each has a training recipe (<c>TrainingRecipe</c>) and is a value of the command line's <c>--encoder</c>.</summary>
    public static IReadOnlyList<string> Kinds { get; } = [.. EncoderFactory.Descriptors.Where(d => d.BuiltIn).Select(d => d.Kind)];

    /// <summary><see cref="Kinds"/> and the kinds built only through the library, such as "bert", a BERT-family model read from a local folder (<see cref="Path"/>, <see cref="BertFolder"/>).</summary>
    public static IReadOnlyList<string> AllKinds { get; } = [.. EncoderFactory.Descriptors.Select(d => d.Kind)];

    /// <summary>Whether <paramref name="kind"/> is a pretrained encoder (with its own fixed tokenizer).</summary>
    public static bool IsPretrained(string kind) => EncoderFactory.Find(kind)?.Pretrained == true;

    /// <summary>Largest <see cref="EmbeddingDim"/>, <see cref="Filters"/>, <see cref="HiddenSize"/> and <see cref="AttentionSize"/>.</summary>
    public const int MaxSize = 4096;

    /// <summary>Largest <see cref="FeedForwardSize"/>.</summary>
    public const int MaxFeedForwardSize = 16384;

    /// <summary>Most <see cref="Layers"/>.</summary>
    public const int MaxLayers = 64;

    /// <summary>Most <see cref="Heads"/>.</summary>
    public const int MaxHeads = 64;

    /// <summary>Most <see cref="MaxPositions"/>.</summary>
    public const int PositionsLimit = 8192;

    /// <summary>Widest filter of <see cref="FilterWidths"/>, and most widths.</summary>
    public const int MaxFilterWidth = 32;

    /// <summary>Largest <see cref="EntityPositionDim"/>.</summary>
    public const int MaxEntityPositionDim = 256;

    /// <summary>
    /// Checks every field against its bounds, naming the bad one: <see cref="EmbeddingDim"/>, <see cref="Filters"/>,
    /// <see cref="HiddenSize"/>, <see cref="AttentionSize"/> 1 to 4,096; <see cref="FeedForwardSize"/> 1 to 16,384;
    /// <see cref="Layers"/> and <see cref="Heads"/> 1 to 64; <see cref="MaxPositions"/> 1 to 8,192; 1 to 32
    /// <see cref="FilterWidths"/> of 1 to 32 tokens; <see cref="EntityPositionDim"/> 0 to 256; <see cref="Dropout"/>
    /// and <see cref="WordDropout"/> 0 to 1; <see cref="FineTuneLayers"/> -1 to 6 (bert: to 64; the model's layer
    /// count is checked when it is read); bert: a <see cref="Path"/>, and well-formed hashes if any; kind, pooling,
    /// tokenizer and embeddings among the known names. Run when a spec is made or read from a checkpoint, before any
    /// tensor exists (sizes that reach LibTorch unchecked crash the process).
    /// </summary>
    /// <exception cref="ArgumentException">A field is out of bounds (<see cref="ArgumentOutOfRangeException"/>) or an unknown name.</exception>
    public void Validate()
    {
        OptionBounds.OneOf("Encoder", Kind, AllKinds);
        OptionBounds.Check(nameof(EmbeddingDim), EmbeddingDim, 1, MaxSize);
        OptionBounds.Check(nameof(Filters), Filters, 1, MaxSize);
        if (FilterWidths is null || FilterWidths.Count is < 1 or > MaxFilterWidth)
            throw new ArgumentOutOfRangeException(nameof(FilterWidths), $"{nameof(FilterWidths)} must list 1 to {MaxFilterWidth} widths (got {FilterWidths?.Count ?? 0}).");
        foreach (int width in FilterWidths) OptionBounds.Check(nameof(FilterWidths), width, 1, MaxFilterWidth);
        OptionBounds.Check(nameof(HiddenSize), HiddenSize, 1, MaxSize);
        OptionBounds.Check(nameof(AttentionSize), AttentionSize, 1, MaxSize);
        OptionBounds.Check(nameof(Layers), Layers, 1, MaxLayers);
        OptionBounds.Check(nameof(Heads), Heads, 1, MaxHeads);
        OptionBounds.Check(nameof(FeedForwardSize), FeedForwardSize, 1, MaxFeedForwardSize);
        OptionBounds.Check(nameof(MaxPositions), MaxPositions, 1, PositionsLimit);
        OptionBounds.Check(nameof(EntityPositionDim), EntityPositionDim, 0, MaxEntityPositionDim);
        OptionBounds.OneOf(nameof(Pooling), Pooling, Poolings);
        OptionBounds.OneOf(nameof(Tokenizer), Tokenizer, Tokenizers);
        OptionBounds.OneOf(nameof(Embeddings), Embeddings, EmbeddingInits);
        OptionBounds.Check(nameof(Dropout), Dropout, 0, 1);
        OptionBounds.Check(nameof(WordDropout), WordDropout, 0, 1);
        OptionBounds.Check(nameof(FineTuneLayers), FineTuneLayers, -1, Kind == BertFolder.KindName ? MaxLayers : MiniLmWeights.Layers);
        if (Kind == BertFolder.KindName)
        {
            if (string.IsNullOrWhiteSpace(Path) || Path.Length > MaxPathLength)
                throw new ArgumentException($"The '{BertFolder.KindName}' encoder needs the folder of its model ({nameof(Path)}, at most {MaxPathLength} characters).", nameof(Path));
            foreach (var (name, hash) in new[] { (nameof(WeightsSha256), WeightsSha256), (nameof(VocabularySha256), VocabularySha256) })
            {
                if (hash is not null && (hash.Length != 64 || !hash.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f')))
                    throw new ArgumentException($"{name} must be 64 lower-case hex digits.", name);
            }
        }
        else if (Path is not null || WeightsSha256 is not null || VocabularySha256 is not null)
        {
            throw new ArgumentException($"{nameof(Path)}, {nameof(WeightsSha256)} and {nameof(VocabularySha256)} are for the '{BertFolder.KindName}' encoder only, not '{Kind}'.", nameof(Path));
        }
    }
}
