using MetaNlp.Data;
using static TorchSharp.torch;

namespace MetaNlp.Algorithms;

/// <summary>
/// Every few-shot algorithm, metric-based or gradient-based. The trainer, evaluator, CLI and service only see this.
/// </summary>
public interface IFewShotLearner
{
    /// <summary>Registry name of the algorithm ("protonet", "knn", ...).</summary>
    string Algorithm { get; }

    /// <summary>
    /// The module holding every meta-parameter: what the trainer optimises and a checkpoint stores (the learner's
    /// network; a saved model as a whole is a <c>Models.FewShotModel</c>).
    /// </summary>
    nn.Module Module { get; }

    /// <summary>Loss on the episode's queries after seeing its support; differentiable in the meta-parameters.</summary>
    Tensor EpisodeLoss(Episode episode);

    /// <summary>
    /// Query losses [episodes] of a meta-batch, each as <see cref="EpisodeLoss"/> gives it; a learner may compute
    /// them together (the gradient learners' task-batched inner loop). By default one episode after another.
    /// </summary>
    Tensor EpisodeLosses(IReadOnlyList<Episode> episodes)
    {
        ArgumentNullException.ThrowIfNull(episodes);
        if (episodes.Count == 0) throw new ArgumentException("A meta-batch needs at least one episode.", nameof(episodes));
        using var scope = NewDisposeScope();
        return stack(episodes.Select(EpisodeLoss).ToArray()).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Whether <see cref="EpisodeLosses"/> computes <paramref name="episodes"/> as one graph (the gradient learners'
    /// task-batched inner loop) rather than one episode after another: the trainer then takes one backward pass over
    /// the meta-batch instead of one per task. False by default.
    /// </summary>
    bool ComputesTogether(IReadOnlyList<Episode> episodes) => false;

    /// <summary>A classifier for the classes of <paramref name="support"/>, which need not have been seen in training.</summary>
    IFewShotClassifier Adapt(IReadOnlyList<TextExample> support);
}
