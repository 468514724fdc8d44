namespace MetaNlp.Models;

/// <summary>
/// Options of <see cref="Training.ContrastiveTrainer"/>, the contrastive stages before meta-training: a self-supervised
/// one over the data's unlabelled texts (<see cref="UnlabeledEpochs"/>), then a supervised one over the meta-training
/// examples (<see cref="Epochs"/>).
/// </summary>
public sealed record ContrastiveOptions
{
    /// <summary>Passes over the meta-training examples (0: no supervised contrastive stage).</summary>
    public int Epochs { get; init; }

    /// <summary>
    /// Passes over the data's unlabelled texts (<see cref="Data.TextDataset.Unlabeled"/>) before the supervised stage
    /// (0: none). Each text is encoded twice in training mode, so word dropout and dropout make two views of it, and the
    /// two views are each other's only positive (SimCSE, Gao et al. 2021). The model's vocabulary then also comes from
    /// these texts, so that their words are trained rather than unknown.
    /// </summary>
    public int UnlabeledEpochs { get; init; }

    /// <summary>Unlabelled texts per batch of the self-supervised stage (each encoded twice).</summary>
    public int UnlabeledTextsPerBatch { get; init; } = 32;

    /// <summary>
    /// The texts a model's vocabulary is built from: <paramref name="labelled"/>, joined by <paramref name="unlabeled"/>
    /// when the self-supervised stage trains on them (their words would otherwise all be unknown).
    /// </summary>
    public IEnumerable<string> VocabularyTexts(IEnumerable<string> labelled, IEnumerable<string> unlabeled) =>
        UnlabeledEpochs > 0 ? labelled.Concat(unlabeled) : labelled;

    /// <summary>Whether either stage runs.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool Active => Epochs > 0 || UnlabeledEpochs > 0;

    /// <summary>Classes per batch.</summary>
    public int ClassesPerBatch { get; init; } = 8;

    /// <summary>Examples of each class in a batch.</summary>
    public int ExamplesPerClass { get; init; } = 4;

    /// <summary>Softmax temperature of <see cref="Training.SupervisedContrastiveLoss"/>.</summary>
    public double Temperature { get; init; } = 0.1;

    /// <summary>Adam's learning rate for the encoder's trainable weights.</summary>
    public double LearningRate { get; init; } = 5e-5;

    /// <summary>
    /// Checks the values and names the bad one: <see cref="Epochs"/> and <see cref="UnlabeledEpochs"/> 0 to 100,000;
    /// <see cref="ClassesPerBatch"/>, <see cref="ExamplesPerClass"/> and <see cref="UnlabeledTextsPerBatch"/> 2 to 1,024; <see cref="Temperature"/> above 0 and at most 100;
    /// <see cref="LearningRate"/> above 0 and at most 10.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of bounds.</exception>
    public void Validate()
    {
        OptionBounds.Check("Contrastive epochs", Epochs, 0, 100_000);
        OptionBounds.Check("Unlabeled contrastive epochs", UnlabeledEpochs, 0, 100_000);
        OptionBounds.Check("Unlabeled texts per batch", UnlabeledTextsPerBatch, 2, 1024);
        OptionBounds.Check("Contrastive classes per batch", ClassesPerBatch, 2, 1024);
        OptionBounds.Check("Contrastive examples per class", ExamplesPerClass, 2, 1024);
        OptionBounds.CheckAbove("The contrastive temperature", Temperature, 0, 100);
        OptionBounds.CheckAbove("The contrastive learning rate", LearningRate, 0, MetaTrainerOptions.MaxLearningRate);
    }
}
