namespace MetaNlp.Generation;

/// <summary>Options of <see cref="GenerationMetaTrainer"/>.</summary>
public sealed record GenerationMetaOptions
{
    /// <summary>The <see cref="OuterOptimizer"/> value of plain SGD.</summary>
    public const string Sgd = "sgd";

    /// <summary>The <see cref="OuterOptimizer"/> value of Adam.</summary>
    public const string Adam = "adam";

    /// <summary>The meta-update rule.</summary>
    public GenerationMetaAlgorithm Algorithm { get; init; } = GenerationMetaAlgorithm.Fomaml;

    /// <summary>Inner SGD steps on each task's support examples.</summary>
    public int InnerSteps { get; init; } = 1;

    /// <summary>Inner SGD learning rate.</summary>
    public double InnerLearningRate { get; init; } = 0.1;

    /// <summary>
    /// Adam's learning rate (<see cref="OuterOptimizer"/> <c>adam</c>); with <c>sgd</c>, the outer SGD rate (MAML,
    /// FOMAML, multi-task) or Reptile's step size towards the adapted weights (0.5 was the SGD runs' rate).
    /// </summary>
    public double OuterLearningRate { get; init; } = 1e-3;

    /// <summary>
    /// <c>adam</c> (<see cref="GenerationOuterAdam"/>, moments saved with the run; the default: over the NLG tasks 300
    /// multi-task steps reached a loss of 5.25 with Adam at 1e-3 against 6.07 with SGD at 0.5, docs/BENCHMARKS.md) or
    /// <c>sgd</c> (plain steps, no state).
    /// </summary>
    public string OuterOptimizer { get; init; } = Adam;

    /// <summary>Tasks per meta-step.</summary>
    public int TasksPerStep { get; init; } = 4;

    /// <summary>Support examples per task and step.</summary>
    public int SupportSize { get; init; } = 8;

    /// <summary>Query examples per task and step (not used by Reptile).</summary>
    public int QuerySize { get; init; } = 8;

    /// <summary>Label smoothing of the teacher-forced loss.</summary>
    public double LabelSmoothing { get; init; } = 0.1;

    /// <summary>Longest target (end id included); longer targets are cut.</summary>
    public int MaxTargetLength { get; init; } = 64;

    /// <summary>Checks every value against its bounds, naming the bad one.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of bounds.</exception>
    public void Validate()
    {
        OptionBounds.Defined(nameof(Algorithm), Algorithm);
        OptionBounds.Check(nameof(InnerSteps), InnerSteps, 1, 100);
        OptionBounds.CheckAbove(nameof(InnerLearningRate), InnerLearningRate, 0, 100);
        OptionBounds.CheckAbove(nameof(OuterLearningRate), OuterLearningRate, 0, 100);
        OptionBounds.OneOf(nameof(OuterOptimizer), OuterOptimizer, [Sgd, Adam]);
        OptionBounds.Check(nameof(TasksPerStep), TasksPerStep, 1, 1000);
        OptionBounds.Check(nameof(SupportSize), SupportSize, 1, 100_000);
        OptionBounds.Check(nameof(QuerySize), QuerySize, 1, 100_000);
        OptionBounds.Check(nameof(LabelSmoothing), LabelSmoothing, 0, 0.99);
        OptionBounds.Check(nameof(MaxTargetLength), MaxTargetLength, 2, 4096);
    }
}
