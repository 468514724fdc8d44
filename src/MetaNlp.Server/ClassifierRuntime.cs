using MetaNlp.Algorithms;
using MetaNlp.Data;
using MetaNlp.Explain;
using static TorchSharp.torch;

namespace MetaNlp.Server;

/// <summary>
/// Stored classifiers made ready to answer: each is adapted from its examples once per version (the support
/// embeddings and class vectors are cached), and every use runs under its base model's gate inside a dispose scope.
/// </summary>
public sealed class ClassifierRuntime(BaseModelCatalog catalog, int capacity = 256) : IDisposable
{
    private readonly Dictionary<string, Adapted> _cache = new(StringComparer.Ordinal);
    private readonly object _cacheGate = new();

    /// <summary>The base models.</summary>
    public BaseModelCatalog Catalog { get; } = catalog ?? throw new ArgumentNullException(nameof(catalog));

    /// <summary>Predictions for <paramref name="texts"/>; a best probability under the threshold answers "none of these".</summary>
    public IReadOnlyList<LabelPrediction> Classify(StoredClassifier classifier, IReadOnlyList<StoredExample> examples, IReadOnlyList<string> texts) =>
        Use(classifier, examples, adapted => adapted.Classifier.Predict(texts).Select(p => LabelPrediction.From(p, adapted.Classifier.Labels, classifier.Threshold)).ToArray());

    /// <summary>The prediction for <paramref name="text"/> and the <paramref name="top"/> most similar examples with their cosine scores.</summary>
    public (LabelPrediction Prediction, IReadOnlyList<(StoredExample Example, double Score)> Nearest) Explain(StoredClassifier classifier, IReadOnlyList<StoredExample> examples, string text, int top) =>
        Use(classifier, examples, adapted =>
        {
            var prediction = LabelPrediction.From(adapted.Classifier.Predict([text])[0], adapted.Classifier.Labels, classifier.Threshold);
            var nearest = adapted.Nearest.Explain(text, top).Select(s => (adapted.Examples[s.Index], s.Score)).ToArray();
            return (prediction, (IReadOnlyList<(StoredExample, double)>)nearest);
        });

    /// <summary>Drops the cached adaptation of a deleted classifier.</summary>
    public void Forget(string id)
    {
        Adapted? removed;
        lock (_cacheGate)
        {
            _cache.Remove(id, out removed);
        }
        removed?.DisposeUnderGate();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (_cacheGate)
        {
            foreach (var adapted in _cache.Values) adapted.Dispose();
            _cache.Clear();
        }
    }

    private T Use<T>(StoredClassifier classifier, IReadOnlyList<StoredExample> examples, Func<Adapted, T> body)
    {
        var model = Catalog.Find(classifier.BaseModel) ?? throw new KeyNotFoundException($"Classifier '{classifier.Id}' uses base model '{classifier.BaseModel}', which this server does not have.");
        var retired = new List<Adapted>();
        T result;
        lock (model.Gate)
        {
            using var noGrad = no_grad();
            var adapted = GetOrAdapt(model, classifier, examples, retired);   // outside the scope: the adapted tensors outlive this request
            using var scope = NewDisposeScope();
            result = body(adapted);
        }
        // Entries pushed out of the cache may belong to another base model that a request is using right now: each is
        // disposed under its own model's gate, taken only after this one is released (no lock order to deadlock on).
        foreach (var entry in retired) entry.DisposeUnderGate();
        return result;
    }

    // Called under the model's gate, so adapting never races with a use of the same classifier; entries it pushes out
    // go to retired, to be disposed by the caller.
    private Adapted GetOrAdapt(BaseModel model, StoredClassifier classifier, IReadOnlyList<StoredExample> examples, List<Adapted> retired)
    {
        lock (_cacheGate)
        {
            if (_cache.TryGetValue(classifier.Id, out var cached) && cached.Version == classifier.Version)
            {
                cached.LastUse = Environment.TickCount64;
                return cached;
            }
        }
        var learner = model.Model.Learner;
        var support = examples.Select(e => new TextExample(e.Text, e.Label)).ToArray();
        var adapted = new Adapted(model, classifier.Version, examples, learner.Adapt(support), NearestExamples.Create(learner.Embedder, support.Select(e => e.Text).ToArray()));
        lock (_cacheGate)
        {
            if (_cache.Remove(classifier.Id, out var old)) retired.Add(old);
            if (_cache.Count >= capacity)
            {
                var oldest = _cache.MinBy(kv => kv.Value.LastUse);
                _cache.Remove(oldest.Key);
                retired.Add(oldest.Value);
            }
            _cache[classifier.Id] = adapted;
        }
        return adapted;
    }

    private sealed class Adapted(BaseModel model, long version, IReadOnlyList<StoredExample> examples, IFewShotClassifier classifier, NearestExamples nearest) : IDisposable
    {
        public BaseModel Model { get; } = model;
        public long Version { get; } = version;
        public IReadOnlyList<StoredExample> Examples { get; } = examples;
        public IFewShotClassifier Classifier { get; } = classifier;
        public NearestExamples Nearest { get; } = nearest;
        public long LastUse { get; set; } = Environment.TickCount64;

        public void Dispose()
        {
            Classifier.Dispose();
            Nearest.Dispose();
        }

        public void DisposeUnderGate()
        {
            lock (Model.Gate) Dispose();
        }
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
        var probabilities = labels.Select((l, i) => (l, prediction.Probabilities[i])).ToDictionary(x => x.l, x => Math.Round(x.Item2, 6), StringComparer.Ordinal);
        return new LabelPrediction(prediction.Probability >= threshold ? prediction.Label : null, prediction.Label, Math.Round(prediction.Probability, 6), probabilities);
    }
}
