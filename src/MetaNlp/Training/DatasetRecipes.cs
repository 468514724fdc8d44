using MetaNlp.Algorithms;
using MetaNlp.Data;
using MetaNlp.Encoders;
using MetaNlp.Models;
using MetaNlp.Text;

namespace MetaNlp.Training;

/// <summary>
/// The best measured recipes of the registry's datasets (<see cref="Data.DatasetRegistry"/>), declared once per dataset
/// beside the measurement behind each (docs/BENCHMARKS.md), the default encoder's first. The registry describes data
/// and protocols; how to train on them best lives here, so the data layer depends on no learner, encoder or trainer.
/// A dataset with no entry (a user's file, a benchmark not measured yet) gets <see cref="TrainingRecipe.General"/>.
/// </summary>
public static class DatasetRecipes
{
    private static readonly Lazy<IReadOnlyDictionary<string, IReadOnlyList<TrainingRecipe>>> Entries = new(Build);

    /// <summary>The registry names that declare recipes of their own.</summary>
    public static IReadOnlyCollection<string> Datasets => [.. Entries.Value.Keys];

    /// <summary>
    /// The recipes declared for the registry dataset <paramref name="dataset"/> (case-insensitive), the default
    /// encoder's first; empty for null, a name with none, or data outside the registry.
    /// </summary>
    public static IReadOnlyList<TrainingRecipe> Of(string? dataset) =>
        dataset is not null && Entries.Value.TryGetValue(dataset.Trim(), out var recipes) ? recipes : [];

    /// <summary>
    /// The recipe for <paramref name="encoder"/> (null: the default encoder's) at <paramref name="shots"/> on
    /// <paramref name="dataset"/>: its own (<see cref="Of"/>), else the general one (<see cref="TrainingRecipe.For"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The encoder is unknown.</exception>
    public static TrainingRecipe For(string? dataset, string? encoder = null, int? shots = null) => TrainingRecipe.For(Of(dataset), encoder, shots);

    private static IReadOnlyDictionary<string, IReadOnlyList<TrainingRecipe>> Build()
    {
        var recipes = new Dictionary<string, IReadOnlyList<TrainingRecipe>>(StringComparer.OrdinalIgnoreCase)
        {
            ["huffpost"] =
            [
                TrainingRecipe.MiniLm(4, 1e-5, "5-way 5-shot with label texts counted twice and the top 4 layers trained at 1e-5: 74.32 +- 0.42, against 73.72 +- 0.43 with the top 2 and 74.38 +- 0.43 trained on 10-way episodes (ninth session); frozen with label texts 70.87, without 67.32 (docs/BENCHMARKS.md, label texts).") with
                {
                    Shots = 5,
                    LabelText = true,
                    LabelTextWeight = 2,
                },
                TrainingRecipe.MiniLm(2, 1e-5, "With label texts (the category names) counted as two examples each, top 2 layers trained at 1e-5: 5-way 1-shot 69.18 +- 0.53 and 5-shot 73.72 +- 0.43, against 67.21 +- 0.52 and 72.67 +- 0.43 counted once, and the frozen 62.48 and 70.87 counted once. Without label texts: 50.90 +- 0.63 and 69.64 +- 0.45 trained, 47.01 and 67.32 frozen (docs/BENCHMARKS.md, label texts).") with
                {
                    LabelText = true,
                    LabelTextWeight = 2,
                },
                TrainingRecipe.WordEncoder(CnnEncoder.KindName, 0.3, "5-way 5-shot 38.61 +- 0.49 after 6,000 episodes, the PyTorch reference's 38.77 (docs/BENCHMARKS.md, word dropout).") with
                {
                    Trainer = new MetaTrainerOptions { MaxEpisodes = 6000, ValidateEvery = 250, ValidationEpisodes = 250, Patience = 4 },
                },
            ],
            ["fewrel"] =
            [
                TrainingRecipe.MiniLm(4, 5e-5, "With label texts (each relation's name and description) and mean pooling, the top 4 layers trained: 5-way 5-shot 85.08 +- 0.45 and 1-shot 72.14 +- 0.61; frozen 75.78 +- 0.52 and 67.31 +- 0.56. Without label texts, entity pooling: 5-shot 82.76 +- 0.46 trained, 1-shot 55.96 +- 0.66 (docs/BENCHMARKS.md, label texts).") with
                {
                    LabelText = true,
                },
                TrainingRecipe.WordEncoder(CnnEncoder.KindName, 0.2, "5-way 5-shot 48.14 over five seeds against the PyTorch reference's 46.50; 1-shot 36.92 over three against 32.46 (docs/BENCHMARKS.md, entity pooling). Since the trainer also validates the starting weights, 5-shot on seed 42 keeps the untrained CNN (best 3-way validation at episode 0), which scores 53.10 on the test relations (docs/BENCHMARKS.md, task samplers at the full budget).") with
                {
                    Encoder = new EncoderOptions { Pooling = EncoderOptions.EntityPooling, WordDropout = 0.2, Dropout = 0.5 },
                    Trainer = new MetaTrainerOptions { MaxEpisodes = 3000, ValidateEvery = 50, ValidationEpisodes = 250, Patience = 6 },
                },
            ],
            ["arsc"] =
            [
                TrainingRecipe.MiniLm(4, 1e-4, "Relation network with MiniLM's top 4 layers trained: mean of the 12 target tasks 85.32 +- 5.07 (balanced 77.14) against 82.64 (77.73) with the top 2 and the frozen encoder's 55.26 (55.66); cosine ProtoNet (top 2) 82.30 (75.94) at 1e-4, 81.58 (78.23) at 1e-3 (docs/BENCHMARKS.md, ARSC on MiniLM).") with
                {
                    Algorithm = RelationNetwork.Name,
                    Trainer = new MetaTrainerOptions { LearningRate = 1e-4, MaxEpisodes = 600, ValidateEvery = 100, ValidationEpisodes = 100, Patience = 3 },
                },
            ],
            // The character CNN, measured on the 9 shipped test episodes: 71.91 meta-trained and 70.67 untrained
            // against the English MiniLM's 57.82 with no training.
            ["fewjoint"] =
            [
                new TrainingRecipe
                {
                    Encoder = new EncoderOptions { Kind = CnnEncoder.KindName, Tokenizer = EncoderOptions.CharacterTokens, WordDropout = 0.2 },
                    Trainer = new MetaTrainerOptions { MaxEpisodes = 3000, ValidateEvery = 200, ValidationEpisodes = 5, Patience = 5 },
                    Evidence = "9 shipped test episodes (5-shot): 71.91 +- 9.02 meta-trained, 70.67 untrained, against the frozen MiniLM's 57.82 (docs/BENCHMARKS.md, FewJoint).",
                },
            ],
        };

        // The DNNC sets fine-tune on their fixed support set itself: 20-intent episodes, each intent's examples split
        // into support and query.
        foreach (var name in new[] { "dnnc-banking77", "dnnc-clinc150", "dnnc-hwu64" })
        {
            recipes[name] =
            [
                TrainingRecipe.MiniLm(2, 1e-3, "Top 2 layers fine-tuned on the support set with label texts (the intent names), validated by the whole support set against the valid part: BANKING77 / CLINC150 / HWU64 5 per intent 81.69 / 87.44 / 79.00, 10 per intent 86.75 / 89.40 / 85.04; without label texts 81.30 / 86.76 / 78.53 at 5, against the frozen 78.38 / 85.93 / 75.09, and frozen with label texts 79.90 / 86.82 / 76.77 (docs/BENCHMARKS.md, DNNC validated the way it is tested; label texts; bench/minilm-finetune).") with
                {
                    LabelText = true,
                    Ways = 20,
                    Trainer = new MetaTrainerOptions { LearningRate = 1e-3, MaxEpisodes = 200, ValidateEvery = 50, ValidationEpisodes = 1, Patience = 3 },
                },
            ];
        }

        foreach (var (task, _, _) in FewClueLoader.Tasks)
            recipes[$"fewclue-{task}"] = [FewClueRecipe(task, DatasetRegistry.Get($"fewclue-{task}").Protocol.Ways)];
        return recipes;
    }

    // FewCLUE (Chinese), the single-text classification tasks. The character CNN measured on EPRSTMT and TNEWS
    // (docs/BENCHMARKS.md, "Chinese: FewCLUE"): the English MiniLM, the general default, scores below it there with
    // no training (55.97 and 18.97), so every FewCLUE task starts from it. IFLYTEK (119 classes) and CSLDCP (67) train
    // on 20-way episodes; IFLYTEK's validation was still rising after 150 episodes and 600 scored 10 points more.
    // EPRSTMT first reads its 19,565 unlabelled reviews in one epoch of the self-supervised stage (+2.0 points).
    // CSLDCP's abstracts (188 characters at the median) are read up to 512 characters (+3.3 points over the first
    // 128); IFLYTEK's descriptions are long too, but their first 128 characters carry as much.
    private static TrainingRecipe FewClueRecipe(string task, int classes)
    {
        var (ways, episodes, every, unlabeledEpochs, maxTokens, evidence) = task switch
        {
            "eprstmt" => (2, 60, 20, 1, WordTokenizerOptions.DefaultMaxLength, "5 splits, test_public: 65.90 (std 4.51) after one epoch of the self-supervised stage over the 19,565 unlabelled reviews, against 63.93 (4.15) without it and the frozen MiniLM's 55.97 (3.04); published fine-tuning 65.4, PET 86.7 (docs/BENCHMARKS.md, Chinese: FewCLUE)."),
            "tnews" => (15, 100, 25, 0, WordTokenizerOptions.DefaultMaxLength, "5 splits, test_public: 28.15 (std 1.00) against the frozen MiniLM's 18.97 (1.11); published fine-tuning 49.0 (docs/BENCHMARKS.md, Chinese: FewCLUE)."),
            "iflytek" => (20, 600, 50, 0, WordTokenizerOptions.DefaultMaxLength, "5 splits, test_public: 31.23 (std 1.45) with 600 episodes against 20.86 (0.87) with 150 and the frozen MiniLM's 10.97 (0.66); reading 512 characters instead of 128 gave nothing on split 1 (31.85 against 32.08); published fine-tuning 32.8 (docs/BENCHMARKS.md, Chinese: FewCLUE)."),
            "csldcp" => (20, 150, 25, 0, 512, "5 splits, test_public: 32.84 (std 1.24) reading up to 512 characters of each abstract, against 29.56 (0.87) with the first 128; published fine-tuning 35.5 (docs/BENCHMARKS.md, Chinese: FewCLUE)."),
            _ => (Math.Min(classes, 20), 150, 25, 0, WordTokenizerOptions.DefaultMaxLength, "Not measured on this task: the character CNN that beat the frozen MiniLM on EPRSTMT and TNEWS (docs/BENCHMARKS.md, Chinese: FewCLUE)."),
        };
        return new TrainingRecipe
        {
            Encoder = new EncoderOptions { Kind = CnnEncoder.KindName, Tokenizer = EncoderOptions.CharacterTokens, WordDropout = 0.2 },
            Ways = ways,
            MaxTokens = maxTokens,
            Trainer = new MetaTrainerOptions { MaxEpisodes = episodes, ValidateEvery = every, ValidationEpisodes = 10, Patience = 3 },
            // The CNN's learning rate: the stage's default (5e-5) is MiniLM's.
            Contrastive = new ContrastiveOptions { UnlabeledEpochs = unlabeledEpochs, LearningRate = 1e-3 },
            Evidence = evidence,
        };
    }
}
