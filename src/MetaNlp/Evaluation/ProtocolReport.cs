using MetaNlp.Data;

namespace MetaNlp.Evaluation;

/// <summary>
/// What a benchmark's protocol reports (<see cref="ProtocolEvaluator.Evaluate"/>): one case per
/// <see cref="ProtocolParts"/> case. Every report has the headline accuracy with its 95% interval, the episode shape
/// and the number of episodes (or fixed evaluations) behind it; the cases add what their protocol measures.
/// </summary>
/// <param name="Dataset">The data's display name.</param>
/// <param name="Kind">The benchmark's kind as the registry describes it (episodic for user files).</param>
public abstract record ProtocolReport(string Dataset, BenchmarkKind Kind)
{
    /// <summary>The headline accuracy (fraction in [0, 1]) with its 95% interval.</summary>
    public abstract AccuracySummary Accuracy { get; }

    /// <summary>Classes per episode or task (N); null where the tasks differ.</summary>
    public abstract int? Ways { get; }

    /// <summary>Support examples per class (K; for a fixed support set, its size over its classes, rounded); null where the tasks differ.</summary>
    public abstract int? Shots { get; }

    /// <summary>Episodes averaged (1 for a single fixed support set, the task count for ARSC).</summary>
    public abstract int Episodes { get; }
}

/// <summary>Episodic evaluation: the mean over seeded test episodes.</summary>
/// <param name="Dataset">The data's display name.</param>
/// <param name="Kind">The benchmark's kind.</param>
/// <param name="Classes">The pool the episodes were drawn from.</param>
/// <param name="Sampling">The episode shape asked for (<see cref="Ways"/> is the shape run).</param>
/// <param name="EpisodeWays">Classes per episode actually sampled (fewer than asked when the pool is smaller).</param>
/// <param name="Result">Mean accuracy with its interval, per-episode accuracies and speed.</param>
public sealed record EpisodicReport(string Dataset, BenchmarkKind Kind, ClassPool Classes, EpisodeSamplerOptions Sampling, int EpisodeWays, EvaluationResult Result)
    : ProtocolReport(Dataset, Kind)
{
    /// <summary>What the sampler changed or left out (fewer ways, skipped classes); null when nothing.</summary>
    public string? Note { get; init; }

    /// <inheritdoc />
    public override AccuracySummary Accuracy => Result.Accuracy;

    /// <inheritdoc />
    public override int? Ways => EpisodeWays;

    /// <inheritdoc />
    public override int? Shots => Sampling.Shots;

    /// <inheritdoc />
    public override int Episodes => Result.EpisodeAccuracies.Count;
}

/// <summary>A fixed support set against the whole query set, all classes at once, and the out-of-scope protocol where the data has one.</summary>
/// <param name="Dataset">The data's display name.</param>
/// <param name="Kind">The benchmark's kind.</param>
/// <param name="Parts">The parts used.</param>
/// <param name="Result">Accuracy, balanced accuracy, per-class scores and the confusion matrix.</param>
/// <param name="OutOfScope">The out-of-scope result where <see cref="FixedSupportParts.OutOfScope"/> is set; else null.</param>
public sealed record AllClassesReport(string Dataset, BenchmarkKind Kind, FixedSupportParts Parts, AllClassesResult Result, OutOfScopeResult? OutOfScope)
    : ProtocolReport(Dataset, Kind)
{
    /// <inheritdoc />
    public override AccuracySummary Accuracy => Result.Accuracy;

    /// <inheritdoc />
    public override int? Ways => Result.Classes;

    /// <inheritdoc />
    public override int? Shots => Result.ShotsPerClass;

    /// <inheritdoc />
    public override int Episodes => 1;
}

/// <summary>ARSC: each target task on its own fixed support set, the mean over the tasks.</summary>
/// <param name="Dataset">The data's display name.</param>
/// <param name="Kind">The benchmark's kind.</param>
/// <param name="Result">Per-task results and the means over the tasks.</param>
public sealed record ArscReport(string Dataset, BenchmarkKind Kind, ArscResult Result) : ProtocolReport(Dataset, Kind)
{
    /// <inheritdoc />
    public override AccuracySummary Accuracy => Result.Accuracy;

    /// <inheritdoc />
    public override int? Ways => Result.Ways;

    /// <inheritdoc />
    public override int? Shots => Result.Shots;

    /// <inheritdoc />
    public override int Episodes => Result.Tasks.Count;
}
