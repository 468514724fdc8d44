using TorchSharp;
using static TorchSharp.torch;
using static MetaNlp.Workarounds.Scalars;

namespace MetaNlp.Functional;

/// <summary>
/// The induction step of Induction Networks (Geng et al. 2019): dynamic routing (Sabour et al. 2017) from a class's
/// support vectors to one class vector.
/// </summary>
public static class DynamicRouting
{
    private static readonly Scalar Tiny = 1e-12.ToScalar();

    /// <summary>squash(v) = |v|^2 / (1 + |v|^2) * v / |v| along the last dimension: keeps the direction, maps the length into [0, 1).</summary>
    public static Tensor Squash(Tensor vectors)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        using var scope = NewDisposeScope();
        var squaredNorm = vectors.square().sum(-1, keepdim: true);
        // The Tiny offset keeps the gradient finite at a zero vector.
        return vectors.mul(squaredNorm.div(squaredNorm.add(One, One))).div(squaredNorm.add(Tiny, One).sqrt()).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Class vectors [ways, d] from transformed support vectors <paramref name="predictions"/> [ways, shots, d]
    /// (already W_s e + b_s, squashed): coupling logits b start at 0; each iteration d = softmax(b) over the shots,
    /// c = squash(sum_j d_j e_j), b += e_j . c.
    /// </summary>
    public static Tensor Induce(Tensor predictions, int iterations)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        if (predictions.dim() != 3) throw new ArgumentException($"Expected [ways, shots, d], got [{string.Join(", ", predictions.shape)}].", nameof(predictions));
        if (iterations < 1) throw new ArgumentOutOfRangeException(nameof(iterations), "Routing needs at least one iteration.");
        using var scope = NewDisposeScope();
        var logits = zeros(predictions.shape[0], predictions.shape[1], dtype: predictions.dtype, device: predictions.device);
        Tensor classes = null!;
        for (int i = 0; i < iterations; i++)
        {
            var coupling = logits.softmax(1);                                          // [ways, shots]
            classes = Squash(coupling.unsqueeze(-1).mul(predictions).sum(1));          // [ways, d]
            if (i < iterations - 1) logits = logits.add(predictions.matmul(classes.unsqueeze(-1)).squeeze(-1), One);
        }
        return classes.MoveToOuterDisposeScope();
    }
}
