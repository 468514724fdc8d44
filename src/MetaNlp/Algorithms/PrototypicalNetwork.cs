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
}

/// <summary>
/// Prototypical Networks (Snell et al. 2017): a class is the mean of its support embeddings; a query's logits are
/// its negative squared Euclidean distances (or scaled cosine similarities) to the prototypes.
/// </summary>
public sealed class PrototypicalNetwork : IFewShotLearner
{
    /// <summary>Creates the learner over an embedder.</summary>
    public PrototypicalNetwork(TextEmbedder embedder, PrototypicalOptions? options = null)
    {
        Embedder = embedder ?? throw new ArgumentNullException(nameof(embedder));
        Options = options ?? new PrototypicalOptions();
    }

    /// <summary>Registry name.</summary>
    public const string Name = "protonet";

    /// <inheritdoc />
    public string Algorithm => Name;

    /// <summary>Tokenizer and encoder.</summary>
    public TextEmbedder Embedder { get; }

    /// <summary>The options.</summary>
    public PrototypicalOptions Options { get; }

    /// <inheritdoc />
    public nn.Module Model => Embedder.Encoder;

    /// <summary>Query logits [query, ways] for an episode, computed in one encoder pass over support and query.</summary>
    public Tensor EpisodeLogits(Episode episode)
    {
        ArgumentNullException.ThrowIfNull(episode);
        using var scope = NewDisposeScope();
        var texts = episode.Support.Concat(episode.Query).Select(e => e.Text).ToArray();
        var embeddings = Embedder.Embed(texts);
        int s = episode.Support.Count;
        var prototypes = Prototypes.Compute(embeddings[..s], tensor(episode.SupportLabels.Select(i => (long)i).ToArray()), episode.Ways);
        return MetricScores.Compute(Options.Distance, embeddings[s..], prototypes, Options.CosineScale).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public Tensor EpisodeLoss(Episode episode)
    {
        using var scope = NewDisposeScope();
        var logits = EpisodeLogits(episode);
        var target = tensor(episode.QueryLabels.Select(i => (long)i).ToArray());
        return nn.functional.cross_entropy(logits, target).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public IFewShotClassifier Adapt(IReadOnlyList<TextExample> support)
    {
        var set = SupportSet.From(support);
        using var scope = NewDisposeScope();
        Tensor prototypes;
        using (no_grad())
        {
            prototypes = Prototypes.Compute(Embedder.EmbedNoGrad(set.Texts), set.IndexTensor(), set.Labels.Count).MoveToOuterDisposeScope();
        }
        prototypes.DetachFromDisposeScope();
        var options = Options;
        return new EmbeddingClassifier(set.Labels, Embedder, q => MetricScores.Compute(options.Distance, q, prototypes, options.CosineScale), prototypes);
    }
}
