using MetaNlp.Data;

namespace MetaNlp.Evaluation;

/// <summary>The choices of a protocol's evaluation; the episodic ones are ignored by the fixed-support and ARSC protocols, whose supports and queries are fixed.</summary>
public sealed record ProtocolEvaluationOptions
{
    /// <summary>
    /// Episode shape for episodic data (fewer ways are run when the pool has fewer classes, with a note in the
    /// report); null: the benchmark's (<see cref="BenchmarkProtocol.EpisodeShape"/>), else 5-way 5-shot 5 queries.
    /// </summary>
    public EpisodeSamplerOptions? Sampling { get; init; }

    /// <summary>Test episodes; null: the benchmark's (<see cref="BenchmarkProtocol.TestEpisodes"/>), else 1,000.</summary>
    public int? Episodes { get; init; }

    /// <summary>Which classes episodes are drawn from; data without a class split uses every class.</summary>
    public ClassPool Classes { get; init; } = ClassPool.Test;

    /// <summary>Seed of the test episodes (the same seed gives the same episodes).</summary>
    public int Seed { get; init; } = 2024;

    /// <summary>
    /// Where episodic data's test episodes are computed: null for this process; a cluster's coordinator spreads them
    /// over worker processes (<c>MetaNlp.Cluster.ClusterEvaluation</c>). The protocols with a fixed support set
    /// (DNNC, ARSC, FewJoint) run here and refuse one.
    /// </summary>
    public IEpisodeAccuracySource? EpisodeAccuracies { get; init; }

    /// <summary>Called as the evaluation advances (for a progress bar); null for none.</summary>
    public Action<EvaluationProgress>? OnProgress { get; init; }
}
