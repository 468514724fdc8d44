using MetaNlp.Functional;
using TorchSharp;
using static TorchSharp.torch;

namespace MetaNlp.Algorithms;

/// <summary>How metric learners compare a query vector with class evidence.</summary>
public enum MetricDistance
{
    /// <summary>Negative squared Euclidean distance (Snell et al. 2017).</summary>
    SquaredEuclidean,

    /// <summary>Cosine similarity times a scale (a temperature; raw cosine is too flat for softmax).</summary>
    Cosine,
}

/// <summary>Scores from a <see cref="MetricDistance"/>.</summary>
public static class MetricScores
{
    /// <summary>Scores [q, m] of queries [q, d] against vectors [m, d]: higher is closer.</summary>
    public static Tensor Compute(MetricDistance distance, Tensor queries, Tensor vectors, double cosineScale)
    {
        switch (distance)
        {
            case MetricDistance.SquaredEuclidean:
                return Distances.SquaredEuclidean(queries, vectors).neg();
            case MetricDistance.Cosine:
                using (var scale = cosineScale.ToScalar()) return Distances.Cosine(queries, vectors).mul(scale);
            default:
                throw new ArgumentOutOfRangeException(nameof(distance));
        }
    }
}
