namespace MetaNlp.Generation;

/// <summary>
/// Where a meta-training run stands, saved with its weights by <see cref="GenerationModel.Save"/>: with the same
/// tasks, <see cref="GenerationRun.Train"/> continues from it exactly as if it had never stopped (each step's task
/// sample comes from <see cref="Seed"/> and the step number alone; plain SGD has no other state, and the outer Adam's
/// moments are saved in the same file).
/// </summary>
/// <param name="StepsDone">Meta-steps already applied to the saved weights.</param>
/// <param name="Options">The run's options (steps asked for, checkpoint interval, seed, meta-options).</param>
/// <param name="Tasks">The meta-training tasks' names, in the order the run indexes them.</param>
/// <param name="TrainSeconds">Wall time spent in meta-steps so far, over every stretch of the run.</param>
/// <param name="LastLoss">The loss of the last step (<see cref="GenerationMetaTrainer.Step"/>'s value); null before the first.</param>
public sealed record GenerationRunState(int StepsDone, GenerationRunOptions Options, IReadOnlyList<string> Tasks, double TrainSeconds, double? LastLoss)
{
    /// <summary>The run's seed.</summary>
    public int Seed => Options.Seed;
}
