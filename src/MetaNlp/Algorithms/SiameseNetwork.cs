using MetaNlp.Data;
using MetaNlp.Functional;
using TorchSharp;
using static TorchSharp.torch;
using static MetaNlp.Workarounds.Scalars;

namespace MetaNlp.Algorithms;

/// <summary>The pair loss of <see cref="SiameseNetwork"/>.</summary>
public enum SiameseLoss
{
    /// <summary>Mean squared error between the pair's cosine similarity and 1 (same label) or 0 (SetFit's CosineSimilarityLoss).</summary>
    Cosine,

    /// <summary>Contrastive loss (Hadsell et al. 2006) on the distance d of the unit-length vectors: d^2 for a same pair, max(0, margin - d)^2 otherwise.</summary>
    Contrastive,
}

/// <summary>Options of <see cref="SiameseNetwork"/>.</summary>
public sealed record SiameseOptions
{
    /// <summary>The pair loss.</summary>
    public SiameseLoss Loss { get; init; } = SiameseLoss.Cosine;

    /// <summary>Margin of the contrastive loss (unit vectors are at most 2 apart).</summary>
    public double Margin { get; init; } = 1.0;

    /// <summary>Scale of the mean cosine similarities that become class scores at prediction.</summary>
    public double CosineScale { get; init; } = 10;

    /// <summary>Checks the values and names the bad one: <see cref="Loss"/> known, <see cref="Margin"/> 0 to 4, <see cref="CosineScale"/> above 0 and at most 1,000.</summary>
    /// <exception cref="ArgumentException">A value is out of bounds or unknown.</exception>
    public void Validate()
    {
        OptionBounds.Defined(nameof(Loss), Loss);
        OptionBounds.Check(nameof(Margin), Margin, 0, 4);
        OptionBounds.CheckAbove(nameof(CosineScale), CosineScale, 0, 1000);
    }
}

/// <summary>
/// Siamese networks (Koch et al. 2015): the encoder is trained on same/different pairs drawn from each episode's
/// labelled examples (<see cref="PairSampler"/>: linear, not quadratic, in the examples; the same episode always
/// gives the same pairs); a query's score for a class is its mean cosine similarity to the class's support examples.
/// </summary>
public sealed class SiameseNetwork : MetricLearner
{
    /// <summary>Registry name.</summary>
    public const string Name = "siamese";

    /// <summary>Name, family, options and factory, for <see cref="LearnerRegistry"/>.</summary>
    public static LearnerDescriptor Descriptor =>
        LearnerDescriptor.For<SiameseNetwork, SiameseOptions>(Name, LearnerFamily.Metric, o => o.Validate(), (e, o) => new SiameseNetwork(e, o));

    private static readonly Scalar Zero = 0.0.ToScalar();
    private static readonly Scalar Tiny = 1e-12.ToScalar();

    /// <summary>Creates the learner.</summary>
    public SiameseNetwork(TextEmbedder embedder, SiameseOptions? options = null) : base(embedder)
    {
        Options = options ?? new SiameseOptions();
    }

    /// <inheritdoc />
    public override string Algorithm => Name;

    /// <summary>The options.</summary>
    public SiameseOptions Options { get; }

    /// <summary>The pairs an episode trains on (indices into support then query).</summary>
    public static IReadOnlyList<ExamplePair> EpisodePairs(Episode episode)
    {
        ArgumentNullException.ThrowIfNull(episode);
        var texts = episode.Support.Concat(episode.Query).Select(e => e.Text);
        return PairSampler.Sample([.. episode.SupportLabels, .. episode.QueryLabels], new Random(PairSampler.StableSeed(texts)));
    }

    /// <summary>The mean pair loss of vectors [n, d] over <paramref name="pairs"/>.</summary>
    public Tensor PairLoss(Tensor vectors, IReadOnlyList<ExamplePair> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        using var scope = NewDisposeScope();
        var unit = nn.functional.normalize(vectors, dim: 1);
        var first = unit.index_select(0, tensor(pairs.Select(p => (long)p.First).ToArray()));
        var second = unit.index_select(0, tensor(pairs.Select(p => (long)p.Second).ToArray()));
        var same = tensor(pairs.Select(p => p.Same ? 1f : 0f).ToArray()).to(vectors.dtype);
        Tensor loss;
        if (Options.Loss == SiameseLoss.Cosine)
        {
            loss = nn.functional.mse_loss(first.mul(second).sum(1), same);
        }
        else
        {
            var distance = first.sub(second).square().sum(1).clamp_min(Tiny).sqrt();
            using var margin = Options.Margin.ToScalar();
            var apart = distance.neg().add(margin, One).clamp_min(Zero);
            loss = same.mul(distance.square()).add(same.neg().add(One, One).mul(apart.square()), One).mean();
        }
        return loss.MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override Tensor EpisodeLoss(Episode episode)
    {
        using var scope = NewDisposeScope();
        var (support, query) = EmbedEpisode(episode);
        return PairLoss(cat([support, query], 0), EpisodePairs(episode)).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override IFewShotClassifier Adapt(IReadOnlyList<TextExample> support)
    {
        var set = SupportSet.From(support);
        using var scope = NewDisposeScope();
        Tensor vectors;
        Tensor membership;
        using (no_grad())
        {
            vectors = Embedder.EmbedNoGrad(set.Texts).MoveToOuterDisposeScope();
            var oneHot = nn.functional.one_hot(set.IndexTensor(), set.Labels.Count).to(float32);    // [s, ways]
            membership = oneHot.div(oneHot.sum(dim: 0, keepdim: true)).MoveToOuterDisposeScope();  // columns average a class
        }
        vectors.DetachFromDisposeScope();
        membership.DetachFromDisposeScope();
        double scale = Options.CosineScale;
        return new EmbeddingClassifier(set.Labels, Embedder, q =>
        {
            using var s = scale.ToScalar();
            return Distances.Cosine(q, vectors).matmul(membership.to(q.dtype)).mul(s);
        }, vectors, membership);
    }
}
