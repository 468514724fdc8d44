namespace MetaNlp.Training;

/// <summary>Options of <see cref="ContrastiveTrainer"/>, the supervised contrastive stage before meta-training.</summary>
public sealed record ContrastiveOptions
{
    /// <summary>Passes over the meta-training examples (0: no contrastive stage).</summary>
    public int Epochs { get; init; }

    /// <summary>Classes per batch.</summary>
    public int ClassesPerBatch { get; init; } = 8;

    /// <summary>Examples of each class in a batch.</summary>
    public int ExamplesPerClass { get; init; } = 4;

    /// <summary>Softmax temperature of <see cref="SupervisedContrastiveLoss"/>.</summary>
    public double Temperature { get; init; } = 0.1;

    /// <summary>Adam's learning rate for the encoder's trainable weights.</summary>
    public double LearningRate { get; init; } = 5e-5;

    /// <summary>Checks the values and names the bad one.</summary>
    public void Validate()
    {
        if (Epochs < 0) throw new ArgumentException($"Contrastive epochs must not be negative (got {Epochs}).");
        if (ClassesPerBatch < 2) throw new ArgumentException($"Contrastive batches need at least 2 classes (got {ClassesPerBatch}).");
        if (ExamplesPerClass < 2) throw new ArgumentException($"Contrastive batches need at least 2 examples per class (got {ExamplesPerClass}).");
        if (!(Temperature > 0) || double.IsInfinity(Temperature)) throw new ArgumentException($"The contrastive temperature must be positive (got {Temperature}).");
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate)) throw new ArgumentException($"The contrastive learning rate must be positive (got {LearningRate}).");
    }
}
