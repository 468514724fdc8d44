namespace MetaNlp.Training;

/// <summary>Options of <see cref="MetaTrainer"/>.</summary>
public sealed record MetaTrainerOptions
{
    /// <summary>Training episodes at most.</summary>
    public int MaxEpisodes { get; init; } = 5000;

    /// <summary>Episodes whose losses are averaged per optimizer step.</summary>
    public int MetaBatchSize { get; init; } = 1;

    /// <summary>Outer (meta) optimizer: "adam", or "sgd" (plain steps; Reptile's original outer update).</summary>
    public string OuterOptimizer { get; init; } = "adam";

    /// <summary>Outer learning rate.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Weight decay (L2) of the outer optimizer.</summary>
    public double WeightDecay { get; init; }

    /// <summary>Clip the gradient norm to this value (0 turns clipping off).</summary>
    public double ClipGradientNorm { get; init; }

    /// <summary>Validate every this many training episodes (0: never; the last weights are kept).</summary>
    public int ValidateEvery { get; init; } = 200;

    /// <summary>Validation episodes (always the same ones: the validation sampler's first episodes).</summary>
    public int ValidationEpisodes { get; init; } = 200;

    /// <summary>Stop after this many validations without improvement.</summary>
    public int Patience { get; init; } = 10;

    /// <summary>Write the resumable training state every this many episodes.</summary>
    public int CheckpointEvery { get; init; } = 100;

    /// <summary>Seed of the weight initialisation and of the training episodes.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Checks the values and names the bad one.</summary>
    public void Validate()
    {
        if (MaxEpisodes < 1) throw new ArgumentException($"MaxEpisodes must be at least 1 (got {MaxEpisodes}).");
        if (OuterOptimizer is not ("adam" or "sgd")) throw new ArgumentException($"OuterOptimizer must be adam or sgd (got '{OuterOptimizer}').");
        if (MetaBatchSize < 1) throw new ArgumentException($"MetaBatchSize must be at least 1 (got {MetaBatchSize}).");
        if (LearningRate <= 0 || double.IsNaN(LearningRate)) throw new ArgumentException($"LearningRate must be positive (got {LearningRate}).");
        if (WeightDecay < 0) throw new ArgumentException($"WeightDecay must not be negative (got {WeightDecay}).");
        if (ClipGradientNorm < 0) throw new ArgumentException($"ClipGradientNorm must not be negative (got {ClipGradientNorm}).");
        if (ValidateEvery < 0) throw new ArgumentException($"ValidateEvery must not be negative (got {ValidateEvery}).");
        if (ValidateEvery > 0 && ValidationEpisodes < 1) throw new ArgumentException($"ValidationEpisodes must be at least 1 (got {ValidationEpisodes}).");
        if (Patience < 1) throw new ArgumentException($"Patience must be at least 1 (got {Patience}).");
        if (CheckpointEvery < 1) throw new ArgumentException($"CheckpointEvery must be at least 1 (got {CheckpointEvery}).");
    }
}
