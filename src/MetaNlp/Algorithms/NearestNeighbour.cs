using MetaNlp.Data;
using TorchSharp;
using static TorchSharp.torch;
using static MetaNlp.Workarounds.Scalars;

namespace MetaNlp.Algorithms;

/// <summary>Options of <see cref="NearestNeighbour"/>.</summary>
public sealed record NearestNeighbourOptions
{
    /// <summary>Distance between a query and support examples.</summary>
    public MetricDistance Distance { get; init; } = MetricDistance.Cosine;

    /// <summary>Multiplier of cosine similarities (ignored for Euclidean).</summary>
    public double CosineScale { get; init; } = 10;

    /// <summary>Checks the values and names the bad one: <see cref="Distance"/> known, <see cref="CosineScale"/> above 0 and at most 1,000.</summary>
    /// <exception cref="ArgumentException">A value is out of bounds or unknown.</exception>
    public void Validate()
    {
        OptionBounds.Defined(nameof(Distance), Distance);
        OptionBounds.CheckAbove(nameof(CosineScale), CosineScale, 0, 1000);
    }
}

/// <summary>
/// Nearest-neighbour baseline: a query takes the label of its closest support example; a class's score is its
/// best support example's score. Meta-training, where wanted, uses the soft nearest-neighbour loss (a class's
/// logit is the log-sum-exp of its support examples' scores), whose hard limit is the prediction rule.
/// </summary>
public sealed class NearestNeighbour : MetricLearner
{
    /// <summary>Registry name.</summary>
    public const string Name = "knn";

    /// <summary>Name, family, options and factory, for <see cref="LearnerRegistry"/>.</summary>
    public static LearnerDescriptor Descriptor =>
        LearnerDescriptor.For<NearestNeighbour, NearestNeighbourOptions>(Name, LearnerFamily.Metric, o => o.Validate(), (e, o) => new NearestNeighbour(e, o));

    private static readonly Scalar ExcludedScale = 1e30f.ToScalar(); // (member - 1) * 1e30: 0 in the class, -1e30 outside

    /// <summary>Creates the baseline over an embedder.</summary>
    public NearestNeighbour(TextEmbedder embedder, NearestNeighbourOptions? options = null) : base(embedder)
    {
        Options = options ?? new NearestNeighbourOptions();
    }

    /// <inheritdoc />
    public override string Algorithm => Name;

    /// <summary>The options.</summary>
    public NearestNeighbourOptions Options { get; }

    /// <inheritdoc />
    public override Tensor EpisodeLoss(Episode episode)
    {
        using var scope = NewDisposeScope();
        var (support, query) = EmbedEpisode(episode);
        var scores = MetricScores.Compute(Options.Distance, query, support, Options.CosineScale);                      // [q, s]
        var logits = scores.unsqueeze(1).add(ClassMask(LabelTensor(episode.SupportLabels), episode.Ways), One).logsumexp(-1); // [q, ways]
        return nn.functional.cross_entropy(logits, LabelTensor(episode.QueryLabels)).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override IFewShotClassifier Adapt(IReadOnlyList<TextExample> support)
    {
        var set = SupportSet.From(support);
        using var scope = NewDisposeScope();
        var vectors = Embedder.EmbedNoGrad(set.Texts).MoveToOuterDisposeScope();
        var mask = ClassMask(set.IndexTensor(), set.Labels.Count).MoveToOuterDisposeScope();
        vectors.DetachFromDisposeScope();
        mask.DetachFromDisposeScope();
        var options = Options;
        return new EmbeddingClassifier(set.Labels, Embedder,
            q => MetricScores.Compute(options.Distance, q, vectors, options.CosineScale).unsqueeze(1).add(mask, One).amax([-1]),
            vectors, mask);
    }

    // [1, ways, support]: 0 where the support example belongs to the class, a huge negative number elsewhere.
    private static Tensor ClassMask(Tensor supportLabels, int ways)
    {
        using var scope = NewDisposeScope();
        var member = nn.functional.one_hot(supportLabels, ways).t().to(float32);     // [ways, support]
        return member.sub(One).mul(ExcludedScale).unsqueeze(0).MoveToOuterDisposeScope();
    }
}
