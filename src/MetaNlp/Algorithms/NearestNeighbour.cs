using MetaNlp.Data;
using static TorchSharp.torch;

namespace MetaNlp.Algorithms;

/// <summary>Options of <see cref="NearestNeighbour"/>.</summary>
public sealed record NearestNeighbourOptions
{
    /// <summary>Distance between a query and support examples.</summary>
    public MetricDistance Distance { get; init; } = MetricDistance.Cosine;

    /// <summary>Multiplier of cosine similarities (ignored for Euclidean).</summary>
    public double CosineScale { get; init; } = 10;
}

/// <summary>
/// Nearest-neighbour baseline: a query takes the label of its closest support example; a class's score is its
/// best support example's score. Meta-training, where wanted, uses the soft nearest-neighbour loss (a class's
/// logit is the log-sum-exp of its support examples' scores), whose hard limit is the prediction rule.
/// </summary>
public sealed class NearestNeighbour : IFewShotLearner
{
    private const float Excluded = -1e30f;

    /// <summary>Creates the baseline over an embedder.</summary>
    public NearestNeighbour(TextEmbedder embedder, NearestNeighbourOptions? options = null)
    {
        Embedder = embedder ?? throw new ArgumentNullException(nameof(embedder));
        Options = options ?? new NearestNeighbourOptions();
    }

    /// <summary>Registry name.</summary>
    public const string Name = "knn";

    /// <inheritdoc />
    public string Algorithm => Name;

    /// <summary>Tokenizer and encoder.</summary>
    public TextEmbedder Embedder { get; }

    /// <summary>The options.</summary>
    public NearestNeighbourOptions Options { get; }

    /// <inheritdoc />
    public nn.Module Model => Embedder.Encoder;

    /// <inheritdoc />
    public Tensor EpisodeLoss(Episode episode)
    {
        ArgumentNullException.ThrowIfNull(episode);
        using var scope = NewDisposeScope();
        var texts = episode.Support.Concat(episode.Query).Select(e => e.Text).ToArray();
        var embeddings = Embedder.Embed(texts);
        int s = episode.Support.Count;
        var scores = MetricScores.Compute(Options.Distance, embeddings[s..], embeddings[..s], Options.CosineScale); // [q, s]
        var labels = tensor(episode.SupportLabels.Select(i => (long)i).ToArray());
        var logits = scores.unsqueeze(1).add(ClassMask(labels, episode.Ways)).logsumexp(-1);                         // [q, ways]
        var target = tensor(episode.QueryLabels.Select(i => (long)i).ToArray());
        return nn.functional.cross_entropy(logits, target).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public IFewShotClassifier Adapt(IReadOnlyList<TextExample> support)
    {
        var set = SupportSet.From(support);
        using var scope = NewDisposeScope();
        var vectors = Embedder.EmbedNoGrad(set.Texts).MoveToOuterDisposeScope();
        var mask = ClassMask(set.IndexTensor(), set.Labels.Count).MoveToOuterDisposeScope();
        vectors.DetachFromDisposeScope();
        mask.DetachFromDisposeScope();
        var options = Options;
        return new EmbeddingClassifier(set.Labels, Embedder,
            q => MetricScores.Compute(options.Distance, q, vectors, options.CosineScale).unsqueeze(1).add(mask).amax([-1]),
            vectors, mask);
    }

    // [1, ways, support]: 0 where the support example belongs to the class, a huge negative number elsewhere.
    private static Tensor ClassMask(Tensor supportLabels, int ways)
    {
        using var scope = NewDisposeScope();
        var member = nn.functional.one_hot(supportLabels, ways).t().to(float32);     // [ways, support]
        return member.sub(1).mul(-Excluded).unsqueeze(0).MoveToOuterDisposeScope();
    }
}
