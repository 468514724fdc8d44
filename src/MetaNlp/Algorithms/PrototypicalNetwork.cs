using MetaNlp.Data;
using MetaNlp.Functional;
using static TorchSharp.torch;

namespace MetaNlp.Algorithms;

/// <summary>Options of <see cref="PrototypicalNetwork"/>.</summary>
public sealed record PrototypicalOptions
{
    /// <summary>Distance between queries and prototypes.</summary>
    public MetricDistance Distance { get; init; } = MetricDistance.SquaredEuclidean;

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
/// Prototypical Networks (Snell et al. 2017): a class is the mean of its support embeddings; a query's logits are
/// its negative squared Euclidean distances (or scaled cosine similarities) to the prototypes.
/// </summary>
public sealed class PrototypicalNetwork : MetricLearner, IEpisodeScorer
{
    /// <summary>Registry name.</summary>
    public const string Name = "protonet";

    /// <summary>Name, family, options and factory, for <see cref="LearnerRegistry"/>.</summary>
    public static LearnerDescriptor Descriptor =>
        LearnerDescriptor.For<PrototypicalNetwork, PrototypicalOptions>(Name, LearnerFamily.Metric, o => o.Validate(), (e, o) => new PrototypicalNetwork(e, o));

    /// <summary>Creates the learner over an embedder.</summary>
    public PrototypicalNetwork(TextEmbedder embedder, PrototypicalOptions? options = null) : base(embedder)
    {
        Options = options ?? new PrototypicalOptions();
    }

    /// <inheritdoc />
    public override string Algorithm => Name;

    /// <summary>The options.</summary>
    public PrototypicalOptions Options { get; }

    /// <summary>Query logits [query, ways] for an episode, computed in one encoder pass over support and query.</summary>
    public Tensor EpisodeLogits(Episode episode)
    {
        using var scope = NewDisposeScope();
        var (support, query) = EmbedEpisode(episode);
        var prototypes = Prototypes.Compute(support, LabelTensor(episode.SupportLabels), episode.Ways);
        return MetricScores.Compute(Options.Distance, query, prototypes, Options.CosineScale).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override Tensor EpisodeLoss(Episode episode)
    {
        using var scope = NewDisposeScope();
        return nn.functional.cross_entropy(EpisodeLogits(episode), LabelTensor(episode.QueryLabels)).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public (Tensor Loss, Tensor QueryLogits) EpisodeLossAndLogits(Episode episode)
    {
        using var scope = NewDisposeScope();
        var logits = EpisodeLogits(episode);
        var loss = nn.functional.cross_entropy(logits, LabelTensor(episode.QueryLabels));
        return (loss.MoveToOuterDisposeScope(), logits.detach().MoveToOuterDisposeScope());
    }

    /// <inheritdoc />
    public override IFewShotClassifier Adapt(IReadOnlyList<TextExample> support)
    {
        var (set, prototypes) = SupportClassVectors(support, (vectors, s) => Prototypes.Compute(vectors, s.IndexTensor(), s.Labels.Count));
        var options = Options;
        return new EmbeddingClassifier(set.Labels, Embedder, q => MetricScores.Compute(options.Distance, q, prototypes, options.CosineScale), prototypes);
    }
}
