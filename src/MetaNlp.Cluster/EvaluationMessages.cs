namespace MetaNlp.Cluster;

/// <summary>
/// What an evaluation's coordinator tells a worker once: the model (as a checkpoint file's bytes), how to build the
/// test episodes, and a fingerprint of those episodes that the worker's own must match.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record EvaluationRun
{
    /// <summary>Names this evaluation (new for each <see cref="ClusterEvaluation.Compute"/> call).</summary>
    [Id(0)] public required string RunId { get; init; }

    /// <summary>The model as <c>Checkpoint.SaveModel</c> writes it.</summary>
    [Id(1)] public required byte[] Model { get; init; }

    /// <summary>The test episodes: handed to the worker's <see cref="IEpisodeSourceFactory.CreateEvaluation"/>.</summary>
    [Id(2)] public required string Job { get; init; }

    /// <summary>How many episodes the evaluation has (indices 0 to Episodes - 1).</summary>
    [Id(3)] public required int Episodes { get; init; }

    /// <summary>The coordinator's <see cref="EpisodeFingerprint"/> of its first and last episode.</summary>
    [Id(4)] public required string Fingerprint { get; init; }
}

/// <summary>Test episodes for one worker of an evaluation.</summary>
[GenerateSerializer, Immutable]
public sealed record EvaluationOrder
{
    /// <summary>The evaluation (<see cref="EvaluationRun.RunId"/>).</summary>
    [Id(0)] public required string RunId { get; init; }

    /// <summary>The episode indices.</summary>
    [Id(1)] public required long[] Episodes { get; init; }
}

/// <summary>A worker's accuracies for an <see cref="EvaluationOrder"/>, or why it refused.</summary>
[GenerateSerializer, Immutable]
public sealed record EvaluationAnswer
{
    /// <summary>Done, or <see cref="WorkStatus.UnknownRun"/> when the worker does not hold the evaluation.</summary>
    [Id(0)] public required WorkStatus Status { get; init; }

    /// <summary>The episodes evaluated (the order's).</summary>
    [Id(1)] public long[] Episodes { get; init; } = [];

    /// <summary>Each episode's accuracy, in the order of <see cref="Episodes"/>.</summary>
    [Id(2)] public double[] Accuracies { get; init; } = [];

    /// <summary>Seconds the worker spent computing.</summary>
    [Id(3)] public double ComputeSeconds { get; init; }
}
