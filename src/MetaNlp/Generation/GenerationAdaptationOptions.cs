namespace MetaNlp.Generation;

/// <summary>
/// Options of <see cref="GenerationAdapter"/>: fine-tuning steps on a held-out task's K support pairs. The same
/// options adapt a meta-trained, a multi-task pretrained (transfer) and a fresh (scratch) model, so the three are
/// compared on the same K with the same steps budget.
/// </summary>
public sealed record GenerationAdaptationOptions
{
    /// <summary>
    /// The Adam learning rate that adapted NLG models in bench/generation-nlg (100 steps, batches of 16); the command
    /// line's default for an NLG model.
    /// </summary>
    public const double NlgAdamLearningRate = 1e-3;

    /// <summary>
    /// The adaptation a model of <paramref name="family"/> gets when the caller chooses no rule: for NLG, Adam at
    /// <see cref="NlgAdamLearningRate"/> (its benchmark's rule); otherwise these options' defaults (SGD at 0.1).
    /// </summary>
    public static GenerationAdaptationOptions For(GenerationTaskFamily family) =>
        family == GenerationTaskFamily.Nlg ? new() { Optimizer = "adam", LearningRate = NlgAdamLearningRate } : new();

    /// <summary>The update rules <see cref="Optimizer"/> may name.</summary>
    public static IReadOnlyList<string> Optimizers { get; } = ["sgd", "adam"];

    /// <summary>Gradient steps on the support pairs.</summary>
    public int Steps { get; init; } = 100;

    /// <summary>Support pairs per step (a step takes the next ones of a shuffled pass; the whole support when it has fewer).</summary>
    public int BatchSize { get; init; } = 16;

    /// <summary>Learning rate of the update rule.</summary>
    public double LearningRate { get; init; } = 0.1;

    /// <summary>
    /// The update rule: <c>sgd</c> (the rule the meta-trainer's inner loop uses, so a meta-trained start is adapted as
    /// it was trained to be) or <c>adam</c>.
    /// </summary>
    public string Optimizer { get; init; } = "sgd";

    /// <summary>Label smoothing of the teacher-forced loss.</summary>
    public double LabelSmoothing { get; init; } = 0.1;

    /// <summary>Longest target (end id included); longer targets are cut.</summary>
    public int MaxTargetLength { get; init; } = 64;

    /// <summary>Seed of the order in which support pairs are visited.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Checks every value against its bounds, naming the bad one.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of bounds.</exception>
    /// <exception cref="ArgumentException">The optimizer is not one of <see cref="Optimizers"/>.</exception>
    public void Validate()
    {
        OptionBounds.Check(nameof(Steps), Steps, 0, 1_000_000);
        OptionBounds.Check(nameof(BatchSize), BatchSize, 1, 100_000);
        OptionBounds.CheckAbove(nameof(LearningRate), LearningRate, 0, 100);
        OptionBounds.OneOf(nameof(Optimizer), Optimizer, Optimizers);
        OptionBounds.Check(nameof(LabelSmoothing), LabelSmoothing, 0, 0.99);
        OptionBounds.Check(nameof(MaxTargetLength), MaxTargetLength, 2, 4096);
    }
}
