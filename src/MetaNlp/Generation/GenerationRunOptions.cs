namespace MetaNlp.Generation;

/// <summary>Options of a meta-training run (<see cref="GenerationRun"/>).</summary>
public sealed record GenerationRunOptions
{
    /// <summary>Meta-steps in all (a resumed run counts the steps done before it).</summary>
    public int Steps { get; init; } = 1000;

    /// <summary>Save the model and run state every this many steps (and always at the end or when stopped).</summary>
    public int CheckpointEvery { get; init; } = 100;

    /// <summary>Seed of the task sampling (each step's sample depends on it and the step number only).</summary>
    public int Seed { get; init; } = 42;

    /// <summary>The meta-step: algorithm (or multi-task for the transfer baseline), inner loop, sizes, learning rates.</summary>
    public GenerationMetaOptions Meta { get; init; } = new();

    /// <summary>Checks every value against its bounds, naming the bad one.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of bounds.</exception>
    public void Validate()
    {
        OptionBounds.Check(nameof(Steps), Steps, 0, 10_000_000);
        OptionBounds.Check(nameof(CheckpointEvery), CheckpointEvery, 1, 10_000_000);
        ArgumentNullException.ThrowIfNull(Meta);
        Meta.Validate();
    }
}
