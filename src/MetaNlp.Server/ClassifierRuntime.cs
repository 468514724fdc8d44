using MetaNlp.Algorithms;
using MetaNlp.Data;
using MetaNlp.Encoders;
using MetaNlp.Explain;
using static TorchSharp.torch;

namespace MetaNlp.Server;

/// <summary>
/// Stored classifiers made ready to answer: each is adapted from its examples once per version (the adapted
/// classifiers are cached, bounded by count and by bytes, and a request finds its classifier by id and version before
/// any example is read), and every use runs in turns under its base model's <see cref="FairGate"/>, each turn inside
/// a dispose scope and <c>no_grad</c>. A turn is bounded (at most <see cref="TextsPerTurn"/> texts and
/// <see cref="CharactersPerTurn"/> characters), so a long request on one classifier and a short request on another
/// take turns: no request holds a base model for the whole of a long batch or a long adaptation. Classify turns of
/// concurrent requests on one base model are gathered into one forward pass (<see cref="ClassifyBatcher"/>).
/// </summary>
public sealed class ClassifierRuntime : IDisposable
{
    /// <summary>Default bound on the memory of the adapted classifiers kept: 256 MiB.</summary>
    public const long DefaultCacheBytes = 256L << 20;

    /// <summary>Most texts classified or embedded in one turn under a base model's gate.</summary>
    public const int TextsPerTurn = 16;

    /// <summary>Most characters classified or embedded in one turn (a single longer text is one turn).</summary>
    public const int CharactersPerTurn = 4_000;

    private readonly Dictionary<string, Adapted> _cache = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Id, long Version), Pending> _adapting = [];
    private readonly Dictionary<string, ClassifyBatcher> _batchers = new(StringComparer.Ordinal);
    private readonly object _cacheGate = new();
    private readonly int _capacity;
    private readonly long _cacheBytes;
    private long _cachedBytes;

    /// <summary>Creates the runtime and one <see cref="ClassifyBatcher"/> per base model.</summary>
    /// <param name="catalog">The base models.</param>
    /// <param name="capacity">Most adapted classifiers kept.</param>
    /// <param name="cacheBytes">Most bytes of adapted classifiers kept (an estimate: see <see cref="EstimateBytes"/>); the least recently used go first.</param>
    /// <param name="batching">How classify requests are gathered into one forward pass; null for the defaults.</param>
    public ClassifierRuntime(BaseModelCatalog catalog, int capacity = 256, long cacheBytes = DefaultCacheBytes, BatchingOptions? batching = null)
    {
        Catalog = catalog ?? throw new ArgumentNullException(nameof(catalog));
        _capacity = capacity;
        _cacheBytes = cacheBytes;
        Batching = batching ?? new BatchingOptions();
        foreach (var model in catalog.All) _batchers[model.Name] = new ClassifyBatcher(model, Batching);
    }

    /// <summary>The base models.</summary>
    public BaseModelCatalog Catalog { get; }

    /// <summary>How classify requests are gathered into one forward pass.</summary>
    public BatchingOptions Batching { get; }

    /// <summary>The batcher of base model <paramref name="name"/> (its counters show how requests were gathered).</summary>
    public ClassifyBatcher BatcherOf(string name) => _batchers[name];

    /// <summary>Adapted classifiers kept now.</summary>
    public int CachedClassifiers
    {
        get
        {
            lock (_cacheGate) return _cache.Count;
        }
    }

    /// <summary>Estimated bytes of the adapted classifiers kept now (at most the bound given at construction, unless one classifier alone is larger).</summary>
    public long CachedBytes
    {
        get
        {
            lock (_cacheGate) return _cachedBytes;
        }
    }

    /// <summary>
    /// Predictions for <paramref name="texts"/>; a best probability under the threshold answers "none of these". The
    /// adapted classifier of <paramref name="classifier"/>'s id and version is looked up first; only when it is not
    /// cached does <paramref name="load"/> read the classifier with its examples (null: it is gone, and
    /// <see cref="KeyNotFoundException"/> is thrown). Returns the version that answered: the loaded one, which is newer
    /// than <paramref name="classifier"/>'s when its examples changed in between.
    /// </summary>
    public async Task<(long Version, IReadOnlyList<LabelPrediction> Predictions)> ClassifyAsync(StoredClassifier classifier,
        Func<(StoredClassifier Classifier, IReadOnlyList<StoredExample> Examples)?> load, IReadOnlyList<string> texts, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        ArgumentNullException.ThrowIfNull(texts);
        var model = ModelOf(classifier);
        var batcher = _batchers[model.Name];
        var adapted = await AcquireAsync(model, classifier, load, cancellation).ConfigureAwait(false);
        try
        {
            var predictions = new List<LabelPrediction>(texts.Count);
            // One turn at a time: a long request's next turn queues behind the turns that arrived meanwhile.
            foreach (var chunk in Turns(texts))
            {
                var turn = await batcher.PredictAsync(adapted.Classifier, chunk, cancellation).ConfigureAwait(false);
                predictions.AddRange(turn.Select(p => LabelPrediction.From(p, adapted.Classifier.Labels, classifier.Threshold)));
            }
            return (adapted.Version, predictions);
        }
        finally
        {
            Release(adapted);
        }
    }

    /// <summary>Predictions for <paramref name="texts"/> by the classifier made of <paramref name="examples"/>.</summary>
    public async Task<IReadOnlyList<LabelPrediction>> ClassifyAsync(StoredClassifier classifier, IReadOnlyList<StoredExample> examples, IReadOnlyList<string> texts,
        CancellationToken cancellation = default) =>
        (await ClassifyAsync(classifier, () => (classifier, examples), texts, cancellation).ConfigureAwait(false)).Predictions;

    /// <summary>
    /// The prediction for <paramref name="text"/> and the <paramref name="top"/> most similar examples with their
    /// cosine scores in the adapted classifier's own sentence space, from one encoder pass over the text. The cache
    /// is looked up and <paramref name="load"/> called as by <see cref="ClassifyAsync(StoredClassifier, Func{ValueTuple{StoredClassifier, IReadOnlyList{StoredExample}}?}, IReadOnlyList{string}, CancellationToken)"/>.
    /// </summary>
    public async Task<(long Version, LabelPrediction Prediction, IReadOnlyList<(StoredExample Example, double Score)> Nearest)> ExplainAsync(StoredClassifier classifier,
        Func<(StoredClassifier Classifier, IReadOnlyList<StoredExample> Examples)?> load, string text, int top, CancellationToken cancellation = default)
    {
        var (version, prediction, nearest, _) = await ExplainAsync(classifier, load, text, top, null, cancellation).ConfigureAwait(false);
        return (version, prediction, nearest);
    }

    /// <summary>
    /// <see cref="ExplainAsync(StoredClassifier, Func{ValueTuple{StoredClassifier, IReadOnlyList{StoredExample}}?}, string, int, CancellationToken)"/>
    /// with the text's token attributions for the best label against the runner-up (integrated gradients with
    /// <paramref name="attribution"/>'s steps, null: none), computed by the same adapted classifier under the model's gate.
    /// </summary>
    public async Task<(long Version, LabelPrediction Prediction, IReadOnlyList<(StoredExample Example, double Score)> Nearest, TokenAttributions? Attributions)> ExplainAsync(
        StoredClassifier classifier, Func<(StoredClassifier Classifier, IReadOnlyList<StoredExample> Examples)?> load, string text, int top, AttributionOptions? attribution,
        CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        var model = ModelOf(classifier);
        var adapted = await AcquireAsync(model, classifier, load, cancellation).ConfigureAwait(false);
        try
        {
            using (await model.Gate.EnterAsync(cancellation).ConfigureAwait(false))
            {
                using var noGrad = no_grad();
                using var scope = NewDisposeScope();
                var (prediction, nearest) = adapted.Explain(model, text, top);
                TokenAttributions? attributions = null;
                if (attribution is not null && adapted.Classifier is IExplainableClassifier explainable)
                {
                    var order = Enumerable.Range(0, prediction.Probabilities.Count).OrderByDescending(c => prediction.Probabilities[c]).ThenBy(c => c).ToArray();
                    attributions = IntegratedGradients.Compute(explainable, text, order[0], order[1], attribution);
                }
                return (adapted.Version, LabelPrediction.From(prediction, adapted.Classifier.Labels, classifier.Threshold),
                    nearest.Select(s => (adapted.Examples[s.Index], s.Score)).ToArray(), attributions);
            }
        }
        finally
        {
            Release(adapted);
        }
    }

    /// <summary>The explanation of <paramref name="text"/> by the classifier made of <paramref name="examples"/>.</summary>
    public async Task<(LabelPrediction Prediction, IReadOnlyList<(StoredExample Example, double Score)> Nearest)> ExplainAsync(StoredClassifier classifier,
        IReadOnlyList<StoredExample> examples, string text, int top, CancellationToken cancellation = default)
    {
        var (_, prediction, nearest) = await ExplainAsync(classifier, () => (classifier, examples), text, top, cancellation).ConfigureAwait(false);
        return (prediction, nearest);
    }

    /// <summary>Synchronous <see cref="ClassifyAsync(StoredClassifier, IReadOnlyList{StoredExample}, IReadOnlyList{string}, CancellationToken)"/>.</summary>
    public IReadOnlyList<LabelPrediction> Classify(StoredClassifier classifier, IReadOnlyList<StoredExample> examples, IReadOnlyList<string> texts) =>
        ClassifyAsync(classifier, examples, texts).GetAwaiter().GetResult();

    /// <summary>Synchronous <see cref="ExplainAsync(StoredClassifier, IReadOnlyList{StoredExample}, string, int, CancellationToken)"/>.</summary>
    public (LabelPrediction Prediction, IReadOnlyList<(StoredExample Example, double Score)> Nearest) Explain(StoredClassifier classifier, IReadOnlyList<StoredExample> examples, string text, int top) =>
        ExplainAsync(classifier, examples, text, top).GetAwaiter().GetResult();

    /// <summary>Drops the cached adaptation of a deleted classifier (disposed once no request uses it).</summary>
    public void Forget(string id)
    {
        var dispose = new List<Adapted>();
        lock (_cacheGate)
        {
            if (_cache.Remove(id, out var removed)) RetireLocked(removed, dispose);
        }
        foreach (var adapted in dispose) adapted.DisposeOnce();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var batcher in _batchers.Values) batcher.Dispose();
        var dispose = new List<Adapted>();
        lock (_cacheGate)
        {
            foreach (var adapted in _cache.Values.ToArray()) RetireLocked(adapted, dispose);
            _cache.Clear();
            _cachedBytes = 0;
        }
        foreach (var adapted in dispose) adapted.DisposeOnce();
    }

    /// <summary>
    /// The bytes an adapted classifier is counted as: its examples' unit vectors (kept for explanations) and as much
    /// again for the learner's support embeddings or class vectors, plus the examples' texts.
    /// </summary>
    public static long EstimateBytes(IReadOnlyList<StoredExample> examples, int dim)
    {
        ArgumentNullException.ThrowIfNull(examples);
        return 1024 + examples.Sum(e => 2L * dim * sizeof(float) + 2L * e.Text.Length + 2L * e.Label.Length + 64);
    }

    // Texts in turns of at most TextsPerTurn texts and CharactersPerTurn characters (at least one text each).
    private static IEnumerable<IReadOnlyList<string>> Turns(IReadOnlyList<string> texts)
    {
        var turn = new List<string>();
        int characters = 0;
        foreach (var text in texts)
        {
            if (turn.Count > 0 && (turn.Count == TextsPerTurn || characters + text.Length > CharactersPerTurn))
            {
                yield return turn;
                turn = [];
                characters = 0;
            }
            turn.Add(text);
            characters += text.Length;
        }
        if (turn.Count > 0) yield return turn;
    }

    private BaseModel ModelOf(StoredClassifier classifier) =>
        Catalog.Find(classifier.BaseModel) ?? throw new KeyNotFoundException($"Classifier '{classifier.Id}' uses base model '{classifier.BaseModel}', which this server does not have.");

    // The adapted classifier of this version, counted as in use until Release: from the cache, or from its adaptation,
    // which runs once per classifier and version however many requests wait for it. While requests wait, the
    // adaptation holds one use of its result, so a result pushed out of the cache at once (a small cache under load)
    // is still whole when each waiter takes its own use; the last waiter gives the hold back.
    private async Task<Adapted> AcquireAsync(BaseModel model, StoredClassifier classifier,
        Func<(StoredClassifier Classifier, IReadOnlyList<StoredExample> Examples)?> load, CancellationToken cancellation)
    {
        var key = (classifier.Id, classifier.Version);
        Pending pending;
        lock (_cacheGate)
        {
            if (_cache.TryGetValue(classifier.Id, out var cached) && cached.Version == classifier.Version)
            {
                cached.LastUse = Environment.TickCount64;
                cached.Users++;
                return cached;
            }
            if (!_adapting.TryGetValue(key, out pending!))
            {
                // Not cancelled with this request: others may be waiting for the same adaptation.
                pending = new Pending(Task.Run(() => AdaptAsync(model, load)));
                _adapting[key] = pending;
            }
            pending.Waiters++;
        }
        Adapted? adapted = null;
        try
        {
            adapted = await pending.Adaptation.WaitAsync(cancellation).ConfigureAwait(false);
            return adapted;
        }
        finally
        {
            Adapted? dispose = null;
            lock (_cacheGate)
            {
                if (adapted is not null) adapted.Users++;
                if (--pending.Waiters == 0)
                {
                    _adapting.Remove(key);
                    if (pending.Adaptation.IsCompletedSuccessfully)
                    {
                        var result = pending.Adaptation.Result;
                        if (--result.Users == 0 && result.IsRetired) dispose = result;
                    }
                    else if (!pending.Adaptation.IsCompleted)
                    {
                        // Every waiter gave up: whoever finishes the adaptation gives its hold back.
                        _ = pending.Adaptation.ContinueWith(t => { if (t.IsCompletedSuccessfully) Release(t.Result); }, TaskScheduler.Default);
                    }
                }
            }
            dispose?.DisposeOnce();
        }
    }

    // Reads the examples (only now: a cached version never reads them), then embeds the support texts in turns first
    // when the encoder caches sentence vectors (a frozen MiniLM), so the adaptation itself, one turn, reads cached
    // vectors: a 5,000-example classifier does not hold the model for its whole adaptation, and the support set goes
    // through the encoder once. The result comes with one use held for its waiters (see AcquireAsync).
    private async Task<Adapted> AdaptAsync(BaseModel model, Func<(StoredClassifier Classifier, IReadOnlyList<StoredExample> Examples)?> load)
    {
        ArgumentNullException.ThrowIfNull(load);
        var (classifier, examples) = load() ?? throw new KeyNotFoundException("The classifier was deleted.");
        var learner = model.Model.Learner;
        var embedder = model.Model.Embedder;
        var support = examples.Select(e => new TextExample(e.Text, e.Label)).ToArray();
        var texts = support.Select(e => e.Text).ToArray();
        if (embedder.Encoder is MiniLmEncoder { Options.FineTuneLayers: 0 } miniLm && miniLm.SentenceVectors.LimitBytes > 0)
        {
            foreach (var chunk in Turns(texts))
            {
                using (await model.Gate.EnterAsync().ConfigureAwait(false))
                {
                    using var scope = NewDisposeScope();
                    embedder.EmbedNoGrad(chunk);
                }
            }
        }
        Adapted adapted;
        using (await model.Gate.EnterAsync().ConfigureAwait(false))
        {
            using var noGrad = no_grad();
            // Outside any scope: the adapted tensors outlive this request. The explanations' vectors of the examples
            // are made on the first explain, not here: a classifier that only classifies embeds its examples once.
            var fewShot = learner.Adapt(support);
            adapted = new Adapted(classifier.Version, examples, fewShot, EstimateBytes(examples, embedder.Encoder.OutputDim));
            adapted.Users = 1;
        }
        var dispose = new List<Adapted>();
        lock (_cacheGate)
        {
            if (_cache.TryGetValue(classifier.Id, out var old) && old.Version > adapted.Version)
            {
                RetireLocked(adapted, dispose);   // a newer version is cached already: this one serves its waiters only
            }
            else
            {
                if (old is not null)
                {
                    _cache.Remove(classifier.Id);
                    _cachedBytes -= old.Bytes;
                    RetireLocked(old, dispose);
                }
                while (_cache.Count > 0 && (_cache.Count >= _capacity || _cachedBytes + adapted.Bytes > _cacheBytes))
                {
                    var oldest = _cache.MinBy(kv => kv.Value.LastUse);
                    _cache.Remove(oldest.Key);
                    _cachedBytes -= oldest.Value.Bytes;
                    RetireLocked(oldest.Value, dispose);
                }
                _cache[classifier.Id] = adapted;
                _cachedBytes += adapted.Bytes;
            }
        }
        foreach (var entry in dispose) entry.DisposeOnce();
        return adapted;
    }

    // Marks an adapted classifier that has left the cache; it is disposed now (by the caller, after the lock) when no
    // request uses it, else by the last user's Release.
    private static void RetireLocked(Adapted adapted, List<Adapted> dispose)
    {
        adapted.IsRetired = true;
        if (adapted.Users == 0) dispose.Add(adapted);
    }

    private void Release(Adapted adapted)
    {
        bool dispose;
        lock (_cacheGate)
        {
            adapted.Users--;
            dispose = adapted.IsRetired && adapted.Users == 0;
        }
        if (dispose) adapted.DisposeOnce();
    }

    private sealed class Pending(Task<Adapted> adaptation)
    {
        public Task<Adapted> Adaptation { get; } = adaptation;
        public int Waiters { get; set; }
    }

    // An adapted classifier; disposed once it has left the cache and no request uses it. Users and IsRetired change
    // only under the runtime's cache lock; Explain runs under the base model's gate.
    private sealed class Adapted(long version, IReadOnlyList<StoredExample> examples, IFewShotClassifier classifier, long bytes)
    {
        private int _disposed;
        private NearestExamples? _nearest;

        public long Version { get; } = version;
        public IReadOnlyList<StoredExample> Examples { get; } = examples;
        public IFewShotClassifier Classifier { get; } = classifier;
        public long Bytes { get; } = bytes;
        public long LastUse { get; set; } = Environment.TickCount64;
        public int Users { get; set; }
        public bool IsRetired { get; set; }

        // The prediction and the nearest examples, in the classifier's own sentence space (its adapted encoder weights,
        // if any) and from one pass over the text; the examples' vectors are made on the first call.
        public (Prediction Prediction, IReadOnlyList<ExampleScore> Nearest) Explain(BaseModel model, string text, int top)
        {
            if (Classifier is EmbeddingClassifier embedding)
            {
                _nearest ??= NearestExamples.Create(embedding, SupportTexts());
                var vector = embedding.EmbedNoGrad([text]);
                return (embedding.PredictEmbedded(vector)[0], _nearest.Explain(vector, top));
            }
            _nearest ??= NearestExamples.Create(model.Model.Embedder, SupportTexts());
            return (Classifier.Predict([text])[0], _nearest.Explain(text, top));
        }

        public void DisposeOnce()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
            Classifier.Dispose();
            _nearest?.Dispose();
        }

        private string[] SupportTexts() => [.. Examples.Select(e => e.Text)];
    }
}

/// <summary>A service prediction: the label (null when the best probability is under the threshold) and every label's probability.</summary>
/// <param name="Label">The predicted label, or null for "none of these".</param>
/// <param name="BestLabel">The most probable label, even when under the threshold.</param>
/// <param name="Probability">Probability of <paramref name="BestLabel"/>.</param>
/// <param name="Probabilities">Every label's probability.</param>
public sealed record LabelPrediction(string? Label, string BestLabel, double Probability, IReadOnlyDictionary<string, double> Probabilities)
{
    /// <summary>Whether the answer is "none of these".</summary>
    public bool NoneOfThese => Label is null;

    /// <summary>Converts a learner's prediction under a threshold.</summary>
    public static LabelPrediction From(Prediction prediction, IReadOnlyList<string> labels, double threshold)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        ArgumentNullException.ThrowIfNull(labels);
        // Rounded once, here, for the answer; the threshold compares the exact probability.
        var probabilities = new Dictionary<string, double>(labels.Count, StringComparer.Ordinal);
        for (int i = 0; i < labels.Count; i++) probabilities[labels[i]] = Math.Round(prediction.Probabilities[i], 6);
        return new LabelPrediction(prediction.Probability >= threshold ? prediction.Label : null, prediction.Label, probabilities[prediction.Label], probabilities);
    }
}
