using MetaNlp.Data;
using MetaNlp.Encoders;
using MetaNlp.Models;
using MetaNlp.Training;

namespace MetaNlp.Api;

/// <summary>
/// Options of <see cref="MetaLearner"/>. Every one left null comes from the best measured recipe for the data and
/// encoder (<see cref="TrainingRecipe"/>, declared in <see cref="DatasetRegistry"/>; data outside the registry gets
/// <see cref="TrainingRecipe.General"/>: MiniLM's top 2 layers meta-trained under a cosine ProtoNet), as
/// <c>metanlp train</c> does.
/// </summary>
public sealed record MetaLearnerOptions
{
    /// <summary>The learner and its typed options (<see cref="Api.Learner.PrototypicalNetwork"/>, <see cref="Api.Learner.Maml"/>, ...); null: the recipe's.</summary>
    public Learner? Learner { get; init; }

    /// <summary>The encoder; null: the recipe's (for MiniLM, its top layers trained). A frozen MiniLM under a learner without weights of its own is refused: there is nothing to train.</summary>
    public EncoderOptions? Encoder { get; init; }

    /// <summary>Episode budget, learning rate, validation schedule, patience, task sampler (<see cref="MetaTrainerOptions.Sampler"/>); null: the recipe's for the encoder. Its <see cref="MetaTrainerOptions.Seed"/> gives way to <see cref="Seed"/> when that is set.</summary>
    public MetaTrainerOptions? Trainer { get; init; }

    /// <summary>Episode shape (ways, shots, queries); null: the benchmark's (the recipe's ways), else 5-way 5-shot with 5 queries per class.</summary>
    public EpisodeSamplerOptions? Episodes { get; init; }

    /// <summary>The contrastive stages before meta-training (self-supervised over the dataset's <see cref="Data.TextDataset.Unlabeled"/> texts, then supervised); null: the recipe's (usually none).</summary>
    public ContrastiveOptions? Contrastive { get; init; }

    /// <summary>
    /// Whether every support set, in training and in each later adaptation, gains one example per class whose text is
    /// the class label's (<see cref="LabelTexts"/>); null: the recipe's.
    /// </summary>
    public bool? LabelText { get; init; }

    /// <summary>
    /// Texts of labels that are ids ("P26": "spouse"), read when <see cref="LabelText"/> is on; null: the registry
    /// dataset's (<see cref="LoadedDataset.LabelNames"/>), else none (each label reads as itself).
    /// </summary>
    public IReadOnlyDictionary<string, string>? LabelNames { get; init; }

    /// <summary>
    /// How many support examples each label text counts as (<see cref="LabelTexts.Weight"/>), when
    /// <see cref="LabelText"/> is on; null: the recipe's.
    /// </summary>
    public int? LabelTextWeight { get; init; }

    /// <summary>
    /// Longest token sequence kept per text (<see cref="Text.WordTokenizerOptions.MaxLength"/>; the rest of a longer
    /// text is not read; MiniLM reads at most 512); null: the recipe's (<see cref="TrainingRecipe.MaxTokens"/>).
    /// </summary>
    public int? MaxTokens { get; init; }

    /// <summary>
    /// Seeds the weight initialisation, the episodes, the contrastive batches and LibTorch's generator during
    /// training; null: <see cref="Trainer"/>'s seed (42 by default). Two runs with the same seed, data, options and
    /// thread count give the same history and weights.
    /// </summary>
    public int? Seed { get; init; }

    /// <summary>
    /// Where the run writes <c>model.ckpt</c> (the best weights) and <c>train-state.ckpt</c> (what
    /// <see cref="MetaLearner.Resume"/> continues from); it must not hold another run. Null: a new temporary folder,
    /// deleted when the run ends, kept when it is cancelled (the exception's message names it) so it can resume.
    /// </summary>
    public string? OutputDirectory { get; init; }

    /// <summary>Called after every optimizer step and every validation, on the training thread (<see cref="MetaTrainer.OnProgress"/>).</summary>
    public Action<TrainingEvent>? OnProgress { get; init; }

    /// <summary>
    /// Checks every option set against its bounds (each record's own <c>Validate</c>) before any tensor is made.
    /// </summary>
    /// <exception cref="ArgumentException">A value is out of bounds or unknown; the message names it.</exception>
    public void Validate()
    {
        Learner?.Validate();
        Encoder?.Validate();
        Trainer?.Validate();
        Episodes?.Validate();
        Contrastive?.Validate();
        if (MaxTokens is int maxTokens) new Text.WordTokenizerOptions { MaxLength = maxTokens }.Validate();
        if (LabelNames is not null || LabelTextWeight is not null)
            new LabelTexts { Names = LabelNames ?? new Dictionary<string, string>(), Weight = LabelTextWeight ?? 1 }.Validate();
        if (OutputDirectory is not null && string.IsNullOrWhiteSpace(OutputDirectory))
            throw new ArgumentException("OutputDirectory is blank; give a folder, or null for a temporary one.", nameof(OutputDirectory));
    }
}
