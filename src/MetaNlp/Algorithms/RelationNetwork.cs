using MetaNlp.Data;
using MetaNlp.Functional;
using static TorchSharp.torch;

namespace MetaNlp.Algorithms;

/// <summary>Options of <see cref="RelationNetwork"/>.</summary>
public sealed record RelationOptions
{
    /// <summary>The training loss (default cross-entropy; the paper's is <see cref="RelationLoss.MeanSquaredError"/>).</summary>
    public RelationLoss Loss { get; init; } = RelationLoss.CrossEntropy;

    /// <summary>Hidden units of the relation module.</summary>
    public int HiddenSize { get; init; } = 100;

    /// <summary>Checks the values and names the bad one: <see cref="Loss"/> known, <see cref="HiddenSize"/> 1 to 4,096.</summary>
    /// <exception cref="ArgumentException">A value is out of bounds or unknown.</exception>
    public void Validate()
    {
        OptionBounds.Defined(nameof(Loss), Loss);
        OptionBounds.Check(nameof(HiddenSize), HiddenSize, 1, Encoders.EncoderOptions.MaxSize);
    }
}

/// <summary>
/// Relation Networks (Sung et al. 2018): a class vector (the mean of its support vectors; Sung et al. sum them, which
/// makes the scale depend on K) is compared with a query by a learned <see cref="RelationModule"/>; the logits are trained with
/// <see cref="RelationOptions.Loss"/>.
/// </summary>
public sealed class RelationNetwork : MetricLearner
{
    /// <summary>Registry name.</summary>
    public const string Name = "relation";

    /// <summary>Name, family, options and factory, for <see cref="LearnerRegistry"/>.</summary>
    public static LearnerDescriptor Descriptor =>
        LearnerDescriptor.For<RelationNetwork, RelationOptions>(Name, LearnerFamily.Metric, o => o.Validate(), (e, o) => new RelationNetwork(e, o));

    /// <summary>Creates the learner.</summary>
    public RelationNetwork(TextEmbedder embedder, RelationOptions? options = null)
        : base(embedder, new RelationModule((embedder ?? throw new ArgumentNullException(nameof(embedder))).Encoder.OutputDim, (options ?? new RelationOptions()).HiddenSize))
    {
        Options = options ?? new RelationOptions();
    }

    /// <inheritdoc />
    public override string Algorithm => Name;

    /// <summary>The options.</summary>
    public RelationOptions Options { get; }

    /// <summary>The relation module.</summary>
    public RelationModule Relation => (RelationModule)((MetricNetwork)Module).Comparer;

    /// <inheritdoc />
    public override Tensor EpisodeLoss(Episode episode)
    {
        using var scope = NewDisposeScope();
        var (support, query) = EmbedEpisode(episode);
        var classes = Prototypes.Compute(support, LabelTensor(episode.SupportLabels), episode.Ways);
        return RelationScoreLoss(Options.Loss, Relation.Logits(query, classes), episode).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override IFewShotClassifier Adapt(IReadOnlyList<TextExample> support)
    {
        var (set, classes) = SupportClassVectors(support, (vectors, s) => Prototypes.Compute(vectors, s.IndexTensor(), s.Labels.Count));
        var relation = Relation;
        return new EmbeddingClassifier(set.Labels, Embedder, q => relation.Logits(q, classes), classes);
    }
}
