namespace MetaNlp.Cluster;

/// <summary>
/// What a coordinator tells a worker once per run: the model (spec and weights, as a checkpoint file's bytes), the
/// names and shapes of its trainable weights in the order every later weight and gradient message uses, and how to
/// build the run's training episodes.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record RunDescription
{
    /// <summary>Names this run (new for each coordinator start, so a restarted coordinator's versions never mix with an earlier one's).</summary>
    [Id(0)] public required string RunId { get; init; }

    /// <summary>The model as <c>Checkpoint.SaveModel</c> writes it.</summary>
    [Id(1)] public required byte[] Model { get; init; }

    /// <summary>The trainable weights' names, in message order.</summary>
    [Id(2)] public required string[] WeightNames { get; init; }

    /// <summary>The episodes: handed to the worker's <see cref="IEpisodeSourceFactory"/>, which builds the same source as the coordinator's.</summary>
    [Id(3)] public required string Job { get; init; }

    /// <summary>The run's seed (<c>MetaTrainerOptions.Seed</c>).</summary>
    [Id(4)] public long RunSeed { get; init; }

    /// <summary>Whether the word table's gradient is row-sparse (<c>MetaTrainerOptions.SparseEmbeddings</c>).</summary>
    [Id(5)] public bool SparseEmbeddings { get; init; }

    /// <summary>The coordinator's <see cref="EpisodeFingerprint"/> of the run's first training episode: a worker whose own differs reads other data and refuses to join.</summary>
    [Id(6)] public required string Fingerprint { get; init; }
}

/// <summary>
/// Tasks for one worker at one version of the weights: the weights themselves only in the first order of a version
/// to that worker (null after: the worker must already hold that version, or it refuses).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record WorkOrder
{
    /// <summary>The run (<see cref="RunDescription.RunId"/>).</summary>
    [Id(0)] public required string RunId { get; init; }

    /// <summary>The version of the weights the tasks must be computed with (the step's first episode).</summary>
    [Id(1)] public required long Version { get; init; }

    /// <summary>The trainable weights of <see cref="Version"/>, float32 in <see cref="RunDescription.WeightNames"/> order; null when the worker already holds them.</summary>
    [Id(2)] public byte[]? Weights { get; init; }

    /// <summary>The tasks: episode indices.</summary>
    [Id(3)] public required long[] Episodes { get; init; }

    /// <summary>The step's meta-batch size, which each task's gradient is divided by.</summary>
    [Id(4)] public required int Divisor { get; init; }
}

/// <summary>What a worker says about an order.</summary>
public enum WorkStatus
{
    /// <summary>Computed: the gradients are in the result.</summary>
    Done,

    /// <summary>Refused: the worker does not know the run (it started after the run began, or restarted); send the run description.</summary>
    UnknownRun,

    /// <summary>Refused: the worker holds another version of the weights than the order's and the order carries none.</summary>
    VersionMismatch,
}

/// <summary>The sum of a worker's task gradients (each divided by the meta-batch's size) and of their losses.</summary>
[GenerateSerializer, Immutable]
public sealed record WorkResult
{
    /// <summary>Whether the tasks were computed, or why not.</summary>
    [Id(0)] public required WorkStatus Status { get; init; }

    /// <summary>The version the gradients were computed with (the worker's own, when refused).</summary>
    [Id(1)] public long Version { get; init; }

    /// <summary>The episodes computed (the order's).</summary>
    [Id(2)] public long[] Episodes { get; init; } = [];

    /// <summary>Sum of the tasks' losses.</summary>
    [Id(3)] public double LossSum { get; init; }

    /// <summary>Dense gradients, float32 in weight order; a weight without one (see <see cref="HasGradient"/>) takes no bytes.</summary>
    [Id(4)] public byte[] Gradients { get; init; } = [];

    /// <summary>Per weight, whether any task gave it a gradient (a weight with none keeps its gradient unset, as in one process).</summary>
    [Id(5)] public bool[] HasGradient { get; init; } = [];

    /// <summary>The word table's row gradient: its distinct rows.</summary>
    [Id(6)] public long[]? RowIndices { get; init; }

    /// <summary>The word table's row gradient: the rows' values, float32 [rows, dim].</summary>
    [Id(7)] public byte[]? RowValues { get; init; }

    /// <summary>Seconds the worker spent computing.</summary>
    [Id(8)] public double ComputeSeconds { get; init; }
}
