using MetaNlp.Data;
using MetaNlp.Functional;
using static TorchSharp.torch;

namespace MetaNlp.Algorithms;

/// <summary>Options of <see cref="InductionNetwork"/>.</summary>
public sealed record InductionOptions
{
    /// <summary>The training loss (default cross-entropy; the paper's is <see cref="RelationLoss.MeanSquaredError"/>).</summary>
    public RelationLoss Loss { get; init; } = RelationLoss.CrossEntropy;

    /// <summary>Dynamic-routing iterations (Geng et al. use 3).</summary>
    public int RoutingIterations { get; init; } = 3;

    /// <summary>Slices of the neural tensor layer (Geng et al. use 100).</summary>
    public int TensorSlices { get; init; } = 100;

    /// <summary>Checks the values and names the bad one: <see cref="Loss"/> known, <see cref="RoutingIterations"/> 1 to 100, <see cref="TensorSlices"/> 1 to 1,024.</summary>
    /// <exception cref="ArgumentException">A value is out of bounds or unknown.</exception>
    public void Validate()
    {
        OptionBounds.Defined(nameof(Loss), Loss);
        OptionBounds.Check(nameof(RoutingIterations), RoutingIterations, 1, 100);
        OptionBounds.Check(nameof(TensorSlices), TensorSlices, 1, 1024);
    }
}

/// <summary>
/// Induction Networks (Geng et al. 2019): each class vector is induced from its transformed support vectors by
/// dynamic routing (<see cref="DynamicRouting.Induce"/>), then compared with a query by a neural tensor layer whose
/// relation logits are trained with <see cref="InductionOptions.Loss"/>. Geng et al. pair it with a BiLSTM and
/// self-attention encoder; here it runs over any encoder.
/// </summary>
public sealed class InductionNetwork : MetricLearner
{
    /// <summary>Registry name.</summary>
    public const string Name = "induction";

    /// <summary>Name, family, options and factory, for <see cref="LearnerRegistry"/>.</summary>
    public static LearnerDescriptor Descriptor =>
        LearnerDescriptor.For<InductionNetwork, InductionOptions>(Name, LearnerFamily.Metric, o => o.Validate(), (e, o) => new InductionNetwork(e, o));

    /// <summary>Creates the learner.</summary>
    public InductionNetwork(TextEmbedder embedder, InductionOptions? options = null)
        : base(embedder, new InductionModule((embedder ?? throw new ArgumentNullException(nameof(embedder))).Encoder.OutputDim, (options ?? new InductionOptions()).TensorSlices))
    {
        Options = options ?? new InductionOptions();
        if (Options.RoutingIterations < 1) throw new ArgumentException($"RoutingIterations must be at least 1 (got {Options.RoutingIterations}).");
    }

    /// <inheritdoc />
    public override string Algorithm => Name;

    /// <summary>The options.</summary>
    public InductionOptions Options { get; }

    /// <summary>The induction and relation parameters.</summary>
    public InductionModule Induction => (InductionModule)((MetricNetwork)Module).Comparer;

    /// <summary>Class vectors [ways, d] from support vectors and their labels; classes may have different numbers of examples.</summary>
    public Tensor ClassVectors(Tensor support, IReadOnlyList<long> labels, int ways)
    {
        ArgumentNullException.ThrowIfNull(labels);
        using var scope = NewDisposeScope();
        var transformed = Induction.Transform(support);
        var classes = new Tensor[ways];
        for (int c = 0; c < ways; c++)
        {
            var rows = tensor(Enumerable.Range(0, labels.Count).Where(i => labels[i] == c).Select(i => (long)i).ToArray());
            classes[c] = DynamicRouting.Induce(transformed.index_select(0, rows).unsqueeze(0), Options.RoutingIterations).squeeze(0);
        }
        return stack(classes).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override Tensor EpisodeLoss(Episode episode)
    {
        using var scope = NewDisposeScope();
        var (support, query) = EmbedEpisode(episode);
        var classes = ClassVectors(support, episode.SupportLabels.Select(i => (long)i).ToArray(), episode.Ways);
        return RelationScoreLoss(Options.Loss, Induction.Logits(query, classes), episode).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override IFewShotClassifier Adapt(IReadOnlyList<TextExample> support)
    {
        var (set, classes) = SupportClassVectors(support, (vectors, s) => ClassVectors(vectors, s.LabelIndices, s.Labels.Count));
        var induction = Induction;
        return new EmbeddingClassifier(set.Labels, Embedder, q => induction.Logits(q, classes), classes);
    }
}
