using MetaNlp.Data;
using static TorchSharp.torch;

namespace MetaNlp.Algorithms;

/// <summary>
/// Base of learners that embed an episode's support and query texts with one encoder and compare them
/// (Prototypical Networks, nearest neighbour): the shared embedder, the module it trains, and the episode pass.
/// </summary>
public abstract class MetricLearner : IFewShotLearner
{
    /// <summary>Creates the learner over an embedder, with an optional learned comparison module (relation, induction).</summary>
    protected MetricLearner(TextEmbedder embedder, nn.Module? comparer = null)
    {
        Embedder = embedder ?? throw new ArgumentNullException(nameof(embedder));
        Module = comparer is null ? embedder.Encoder : new MetricNetwork(embedder.Encoder, comparer);
    }

    /// <inheritdoc />
    public abstract string Algorithm { get; }

    /// <summary>Tokenizer and encoder.</summary>
    public TextEmbedder Embedder { get; }

    /// <summary>The encoder alone, or the encoder with the learner's comparison module (<see cref="MetricNetwork"/>).</summary>
    public nn.Module Module { get; }

    /// <inheritdoc />
    public abstract Tensor EpisodeLoss(Episode episode);

    /// <inheritdoc />
    public abstract IFewShotClassifier Adapt(IReadOnlyList<TextExample> support);

    /// <summary>Support and query embeddings of an episode, from one encoder pass over both (in the autograd graph).</summary>
    protected (Tensor Support, Tensor Query) EmbedEpisode(Episode episode)
    {
        ArgumentNullException.ThrowIfNull(episode);
        var texts = episode.Support.Concat(episode.Query).Select(e => e.Text).ToArray();
        var embeddings = Embedder.Embed(texts);
        int s = episode.Support.Count;
        return (embeddings[..s], embeddings[s..]);
    }

    /// <summary>
    /// Adaptation shared by learners that keep one vector per class: the support set's classes and
    /// <paramref name="classVectors"/>(support embeddings, support set), computed without gradients and detached from
    /// every dispose scope (the classifier owns it).
    /// </summary>
    protected (SupportSet Set, Tensor Classes) SupportClassVectors(IReadOnlyList<TextExample> support, Func<Tensor, SupportSet, Tensor> classVectors)
    {
        ArgumentNullException.ThrowIfNull(classVectors);
        var set = SupportSet.From(support);
        using var scope = NewDisposeScope();
        Tensor classes;
        using (no_grad())
        {
            classes = classVectors(Embedder.EmbedNoGrad(set.Texts), set).MoveToOuterDisposeScope();
        }
        return (set, classes.DetachFromDisposeScope());
    }

    /// <summary>The loss of relation logits [q, ways] against an episode's query labels.</summary>
    protected static Tensor RelationScoreLoss(RelationLoss loss, Tensor logits, Episode episode)
    {
        ArgumentNullException.ThrowIfNull(episode);
        using var labels = LabelTensor(episode.QueryLabels);
        return RelationLosses.Compute(loss, logits, labels);
    }

    /// <summary>Label indices as an int64 tensor.</summary>
    protected static Tensor LabelTensor(IReadOnlyList<int> labels) => tensor(labels.Select(i => (long)i).ToArray());
}
