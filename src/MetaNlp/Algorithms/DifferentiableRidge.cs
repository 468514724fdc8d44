using MetaNlp.Data;
using static TorchSharp.torch;

namespace MetaNlp.Algorithms;

/// <summary>Options of <see cref="DifferentiableRidge"/>.</summary>
public sealed record RidgeOptions
{
    /// <summary>
    /// The ridge penalty λ the head starts from (meta-learned from there). Small values fit the support set closely;
    /// large ones shrink every class vector towards the support vectors' sum, like a prototype.
    /// </summary>
    public double Penalty { get; init; } = 1.0;

    /// <summary>The logit scale α the head starts from (meta-learned from there): a temperature for the cross-entropy, which no argmax sees.</summary>
    public double Scale { get; init; } = 10.0;

    /// <summary>Whether sentence vectors are scaled to unit length before the regression (true: the pretrained encoder's vectors are compared by cosine).</summary>
    public bool Normalize { get; init; } = true;

    /// <summary>Checks the values and names the bad one: <see cref="Penalty"/> above 0 and at most 10,000, <see cref="Scale"/> above 0 and at most 1,000.</summary>
    /// <exception cref="ArgumentException">A value is out of bounds.</exception>
    public void Validate()
    {
        OptionBounds.CheckAbove(nameof(Penalty), Penalty, 0, 10_000);
        OptionBounds.CheckAbove(nameof(Scale), Scale, 0, 1000);
    }
}

/// <summary>
/// R2-D2 (Bertinetto et al. 2019): each episode fits a ridge regression from the support set's sentence vectors to
/// their one-hot labels in closed form (<see cref="RidgeHead"/>), and the queries are scored by it. The solution is
/// differentiable, so the encoder and the head's penalty and scale are meta-trained through it, as a metric learner's
/// are through its prototypes; unlike a prototype, a class vector also moves away from the other classes' examples.
/// </summary>
public sealed class DifferentiableRidge : MetricLearner
{
    /// <summary>Registry name (the paper's).</summary>
    public const string Name = "r2d2";

    /// <summary>Name, family, options and factory, for <see cref="LearnerRegistry"/>.</summary>
    public static LearnerDescriptor Descriptor =>
        LearnerDescriptor.For<DifferentiableRidge, RidgeOptions>(Name, LearnerFamily.Metric, o => o.Validate(), (e, o) => new DifferentiableRidge(e, o));

    /// <summary>Creates the learner over an embedder.</summary>
    public DifferentiableRidge(TextEmbedder embedder, RidgeOptions? options = null)
        : base(embedder, new RidgeHead((options ?? new RidgeOptions()).Penalty, (options ?? new RidgeOptions()).Scale))
    {
        Options = options ?? new RidgeOptions();
    }

    /// <inheritdoc />
    public override string Algorithm => Name;

    /// <summary>The options.</summary>
    public RidgeOptions Options { get; }

    /// <summary>The closed-form head with its meta-learned penalty and scale.</summary>
    public RidgeHead Head => (RidgeHead)((MetricNetwork)Module).Comparer;

    /// <inheritdoc />
    public override Tensor EpisodeLoss(Episode episode)
    {
        using var scope = NewDisposeScope();
        var (support, query) = EmbedEpisode(episode);
        var classes = Head.ClassVectors(Prepare(support), LabelTensor(episode.SupportLabels), episode.Ways);
        return nn.functional.cross_entropy(Head.Logits(Prepare(query), classes), LabelTensor(episode.QueryLabels)).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override IFewShotClassifier Adapt(IReadOnlyList<TextExample> support)
    {
        var (set, classes) = SupportClassVectors(support, (vectors, s) => Head.ClassVectors(Prepare(vectors), s.IndexTensor(), s.Labels.Count));
        var head = Head;
        return new EmbeddingClassifier(set.Labels, Embedder, q => head.Logits(Prepare(q), classes), classes);
    }

    private Tensor Prepare(Tensor vectors) => Options.Normalize ? nn.functional.normalize(vectors, dim: 1) : vectors;
}
