using static TorchSharp.torch;

namespace MetaNlp.Algorithms;

/// <summary>How <see cref="RelationNetwork"/> and <see cref="InductionNetwork"/> train their relation logits [q, ways].</summary>
public enum RelationLoss
{
    /// <summary>
    /// Softmax cross-entropy over the classes. It only sees differences between a query's logits, so it cannot be
    /// lowered by pushing every score down; on HuffPost it trains where the published MSE loss collapses.
    /// </summary>
    CrossEntropy,

    /// <summary>
    /// Mean squared error of sigmoid(logit) against one-hot targets (Sung et al. 2018; Geng et al. 2019). With N ways,
    /// N-1 of every N targets are 0, and scoring every pair 1/N is a flat minimum the learned comparison can fall into
    /// (its ReLU units die and all scores tie).
    /// </summary>
    MeanSquaredError,
}

/// <summary>The loss of a <see cref="RelationLoss"/>.</summary>
public static class RelationLosses
{
    /// <summary>Loss of relation logits [q, ways] for query labels [q] (int64).</summary>
    public static Tensor Compute(RelationLoss loss, Tensor logits, Tensor labels)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(labels);
        using var scope = NewDisposeScope();
        var value = loss switch
        {
            RelationLoss.CrossEntropy => nn.functional.cross_entropy(logits, labels),
            RelationLoss.MeanSquaredError => nn.functional.mse_loss(logits.sigmoid(), nn.functional.one_hot(labels, logits.shape[1]).to(logits.dtype)),
            _ => throw new ArgumentOutOfRangeException(nameof(loss)),
        };
        return value.MoveToOuterDisposeScope();
    }
}
