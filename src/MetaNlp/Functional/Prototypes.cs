using static TorchSharp.torch;

namespace MetaNlp.Functional;

/// <summary>Class prototypes: the mean embedding of each class's support examples (torchmeta's get_prototypes).</summary>
public static class Prototypes
{
    /// <summary>
    /// Mean of <paramref name="embeddings"/> [support, dim] per label index of <paramref name="labels"/> [support]
    /// (int64, values 0..ways-1). Returns [ways, dim]. Every class must have at least one example.
    /// </summary>
    public static Tensor Compute(Tensor embeddings, Tensor labels, int ways)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        ArgumentNullException.ThrowIfNull(labels);
        if (embeddings.dim() != 2) throw new ArgumentException($"Embeddings must be [support, dim], got [{string.Join(", ", embeddings.shape)}].", nameof(embeddings));
        if (labels.shape[0] != embeddings.shape[0]) throw new ArgumentException("One label per support embedding is needed.", nameof(labels));
        using var scope = NewDisposeScope();
        var oneHot = nn.functional.one_hot(labels, ways).to(embeddings.dtype);        // [support, ways]
        var counts = oneHot.sum(dim: 0).unsqueeze(1);                                        // [ways, 1]
        if (counts.min().to(float64).item<double>() == 0) throw new ArgumentException("Every class needs at least one support example.", nameof(labels));
        return oneHot.t().matmul(embeddings).div(counts).MoveToOuterDisposeScope();
    }
}
