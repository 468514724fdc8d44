using TorchSharp;
using static TorchSharp.torch;

namespace MetaNlp.Training;

/// <summary>
/// The supervised contrastive loss (Khosla et al. 2020, the L_out form; ContrastNet's and CPFT's training signal): for
/// each anchor, minus the mean over its positives (other examples of its class) of the log-softmax of its similarity to
/// that positive among its similarities to every other example in the batch, averaged over the anchors that have a
/// positive. Similarities are dot products of unit vectors divided by the temperature.
/// </summary>
public static class SupervisedContrastiveLoss
{
    /// <summary>The loss of unit vectors [batch, dim] with class indices [batch] (int64).</summary>
    /// <param name="vectors">One unit-length vector per example.</param>
    /// <param name="labels">Class index of each example.</param>
    /// <param name="temperature">Softmax temperature (0.1 is usual for unit vectors).</param>
    public static Tensor Compute(Tensor vectors, Tensor labels, double temperature)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        ArgumentNullException.ThrowIfNull(labels);
        if (!(temperature > 0)) throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "The temperature must be positive.");
        using var scope = NewDisposeScope();
        long n = vectors.shape[0];
        using var inverse = (1.0 / temperature).ToScalar();
        using var minusInfinity = double.NegativeInfinity.ToScalar();
        using var zero = 0.0.ToScalar();
        var self = eye(n, dtype: ScalarType.Bool, device: vectors.device);
        var scores = vectors.matmul(vectors.t()).mul(inverse).masked_fill(self, minusInfinity);
        var logProbabilities = scores.log_softmax(1).masked_fill(self, zero);               // the diagonal is never a positive
        var positives = labels.unsqueeze(0).eq(labels.unsqueeze(1)).logical_and(self.logical_not()).to_type(vectors.dtype);
        var counts = positives.sum(1);
        var anchors = counts.gt(zero);
        if (!anchors.any().item<bool>()) throw new ArgumentException("No example in the batch has a positive (another example of its class).", nameof(labels));
        var perAnchor = logProbabilities.mul(positives).sum(1).masked_select(anchors).div(counts.masked_select(anchors));
        return perAnchor.mean().neg().MoveToOuterDisposeScope();
    }
}
