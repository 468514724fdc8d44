namespace MetaNlp.Models;

/// <summary>Options of <see cref="Training.ContrastiveTrainer"/>, the supervised contrastive stage before meta-training.</summary>
public sealed record ContrastiveOptions
{
    /// <summary>Passes over the meta-training examples (0: no contrastive stage).</summary>
    public int Epochs { get; init; }

    /// <summary>Classes per batch.</summary>
    public int ClassesPerBatch { get; init; } = 8;

    /// <summary>Examples of each class in a batch.</summary>
    public int ExamplesPerClass { get; init; } = 4;

    /// <summary>Softmax temperature of <see cref="Training.SupervisedContrastiveLoss"/>.</summary>
    public double Temperature { get; init; } = 0.1;

    /// <summary>Adam's learning rate for the encoder's trainable weights.</summary>
    public double LearningRate { get; init; } = 5e-5;

    /// <summary>
    /// Checks the values and names the bad one: <see cref="Epochs"/> 0 to 100,000; <see cref="ClassesPerBatch"/> and
    /// <see cref="ExamplesPerClass"/> 2 to 1,024; <see cref="Temperature"/> above 0 and at most 100;
    /// <see cref="LearningRate"/> above 0 and at most 10.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of bounds.</exception>
    public void Validate()
    {
        OptionBounds.Check("Contrastive epochs", Epochs, 0, 100_000);
        OptionBounds.Check("Contrastive classes per batch", ClassesPerBatch, 2, 1024);
        OptionBounds.Check("Contrastive examples per class", ExamplesPerClass, 2, 1024);
        OptionBounds.CheckAbove("The contrastive temperature", Temperature, 0, 100);
        OptionBounds.CheckAbove("The contrastive learning rate", LearningRate, 0, MetaTrainerOptions.MaxLearningRate);
    }
}
