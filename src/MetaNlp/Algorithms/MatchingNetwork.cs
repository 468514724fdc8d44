using MetaNlp.Data;
using MetaNlp.Functional;
using TorchSharp;
using static TorchSharp.torch;

namespace MetaNlp.Algorithms;

/// <summary>Options of <see cref="MatchingNetwork"/>.</summary>
public sealed record MatchingOptions
{
    /// <summary>
    /// Scale of the cosine similarities before the attention softmax (Vinyals et al. use raw cosines; with 25 support
    /// examples their softmax is nearly uniform and learning is slow, so we scale them, as for cosine prototypes).
    /// </summary>
    public double CosineScale { get; init; } = 10;

    /// <summary>Full context embeddings: a bidirectional LSTM over the support set and an attention LSTM for queries.</summary>
    public bool FullContextEmbeddings { get; init; }

    /// <summary>Processing steps of the query's attention LSTM (full context embeddings only).</summary>
    public int ProcessingSteps { get; init; } = 3;

    /// <summary>Checks the values and names the bad one: <see cref="CosineScale"/> above 0 and at most 1,000, <see cref="ProcessingSteps"/> 1 to 100.</summary>
    /// <exception cref="ArgumentException">A value is out of bounds or unknown.</exception>
    public void Validate()
    {
        OptionBounds.CheckAbove(nameof(CosineScale), CosineScale, 0, 1000);
        OptionBounds.Check(nameof(ProcessingSteps), ProcessingSteps, 1, 100);
    }
}

/// <summary>
/// Matching Networks (Vinyals et al. 2016): a query's class distribution is an attention-weighted vote of the
/// support labels, the attention being a softmax over cosine similarities to the support examples; optionally with
/// full context embeddings (<see cref="FullContextEmbedding"/>).
/// </summary>
public sealed class MatchingNetwork : MetricLearner
{
    /// <summary>Registry name.</summary>
    public const string Name = "matching";

    /// <summary>Name, family, options and factory, for <see cref="LearnerRegistry"/>.</summary>
    public static LearnerDescriptor Descriptor =>
        LearnerDescriptor.For<MatchingNetwork, MatchingOptions>(Name, LearnerFamily.Metric, o => o.Validate(), (e, o) => new MatchingNetwork(e, o));

    private static readonly Scalar Floor = 1e-12.ToScalar();

    /// <summary>Creates the learner.</summary>
    public MatchingNetwork(TextEmbedder embedder, MatchingOptions? options = null)
        : base(embedder, CreateContext(embedder, options ?? new MatchingOptions()))
    {
        Options = options ?? new MatchingOptions();
    }

    /// <inheritdoc />
    public override string Algorithm => Name;

    /// <summary>The options.</summary>
    public MatchingOptions Options { get; }

    private FullContextEmbedding? Context => (Module as MetricNetwork)?.Comparer as FullContextEmbedding;

    /// <summary>
    /// Log class probabilities [q, ways]: attention a = softmax(scale * cos(query, support)) over the support
    /// examples, p(c) = sum of the attention on class c's examples.
    /// </summary>
    public static Tensor LogProbabilities(Tensor query, Tensor support, Tensor supportLabels, int ways, double cosineScale)
    {
        using var scope = NewDisposeScope();
        using var scale = cosineScale.ToScalar();
        var attention = Distances.Cosine(query, support).mul(scale).softmax(1);                  // [q, s]
        var votes = attention.matmul(nn.functional.one_hot(supportLabels, ways).to(attention.dtype));  // [q, ways]
        return votes.clamp_min(Floor).log().MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override Tensor EpisodeLoss(Episode episode)
    {
        using var scope = NewDisposeScope();
        var (support, query) = EmbedEpisode(episode);
        if (Context is { } context) (support, query) = (context.EmbedSupport(support), context.EmbedQueries(query, context.EmbedSupport(support)));
        var logProbabilities = LogProbabilities(query, support, LabelTensor(episode.SupportLabels), episode.Ways, Options.CosineScale);
        return nn.functional.nll_loss(logProbabilities, LabelTensor(episode.QueryLabels)).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override IFewShotClassifier Adapt(IReadOnlyList<TextExample> support)
    {
        var set = SupportSet.From(support);
        using var scope = NewDisposeScope();
        Tensor vectors;
        using (no_grad())
        {
            vectors = Embedder.EmbedNoGrad(set.Texts);
            if (Context is { } c) vectors = c.EmbedSupport(vectors);
        }
        vectors = vectors.MoveToOuterDisposeScope().DetachFromDisposeScope();
        var labels = set.IndexTensor().MoveToOuterDisposeScope().DetachFromDisposeScope();
        int ways = set.Labels.Count;
        double scale = Options.CosineScale;
        var context = Context;
        return new EmbeddingClassifier(set.Labels, Embedder,
            q => LogProbabilities(context is null ? q : context.EmbedQueries(q, vectors), vectors, labels, ways, scale), vectors, labels);
    }

    private static FullContextEmbedding? CreateContext(TextEmbedder embedder, MatchingOptions options)
    {
        ArgumentNullException.ThrowIfNull(embedder);
        if (options.ProcessingSteps < 1) throw new ArgumentException($"ProcessingSteps must be at least 1 (got {options.ProcessingSteps}).");
        return options.FullContextEmbeddings ? new FullContextEmbedding(embedder.Encoder.OutputDim, options.ProcessingSteps) : null;
    }
}
