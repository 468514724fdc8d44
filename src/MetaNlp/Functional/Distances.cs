using static TorchSharp.torch;

namespace MetaNlp.Functional;

/// <summary>Pairwise distances and similarities between two sets of vectors.</summary>
public static class Distances
{
    /// <summary>Squared Euclidean distance of every row of <paramref name="a"/> [n, d] to every row of <paramref name="b"/> [m, d]: [n, m].</summary>
    public static Tensor SquaredEuclidean(Tensor a, Tensor b)
    {
        CheckShapes(a, b);
        // The difference form, not |a|^2 - 2ab + |b|^2: exact, never negative, and its gradients match finite differences.
        return a.unsqueeze(1).sub(b.unsqueeze(0)).square().sum(-1);
    }

    /// <summary>Cosine similarity of every row of <paramref name="a"/> [n, d] to every row of <paramref name="b"/> [m, d]: [n, m].</summary>
    public static Tensor Cosine(Tensor a, Tensor b)
    {
        CheckShapes(a, b);
        return nn.functional.normalize(a, dim: 1).matmul(nn.functional.normalize(b, dim: 1).t());
    }

    private static void CheckShapes(Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.dim() != 2 || b.dim() != 2 || a.shape[1] != b.shape[1])
            throw new ArgumentException($"Expected [n, d] and [m, d], got [{string.Join(", ", a.shape)}] and [{string.Join(", ", b.shape)}].");
    }
}
