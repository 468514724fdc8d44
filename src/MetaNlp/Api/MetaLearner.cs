using System.Text.Json;
using MetaNlp.Algorithms;
using MetaNlp.Data;
using MetaNlp.Models;
using MetaNlp.Text;
using MetaNlp.Training;
using TorchSharp;

namespace MetaNlp.Api;

/// <summary>
/// Meta-training in one call: episodes of a dataset's training classes, validation on its validation classes, the
/// best weights kept, returned as a <see cref="FewShotClassifier"/> to <see cref="FewShotClassifier.Fit(IEnumerable{TextExample})"/>
/// to new classes. Options left out come from the best measured recipe (<see cref="MetaLearnerOptions"/>). It drives
/// the same <see cref="MetaTrainer"/>, episode samplers and checkpoints as <c>metanlp train</c>, so a run folder it
/// writes is one <c>metanlp eval --model</c> reads.
/// </summary>
public static class MetaLearner
{
    /// <summary>
    /// Meta-trains on a registry dataset (<see cref="DatasetRegistry"/>) with its class split and its recipes.
    /// </summary>
    /// <exception cref="ArgumentException">The dataset has no class split (ARSC's tasks and the fixed-support DNNC sets train through <c>metanlp train</c>), or an option is out of bounds.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellation"/> was cancelled; the training state is saved first (<see cref="Resume"/>).</exception>
    public static FewShotClassifier Train(LoadedDataset dataset, MetaLearnerOptions? options = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var split = dataset.Split ?? throw new ArgumentException(
            $"'{dataset.Info.Name}' has no class split to meta-train on; ARSC's tasks and the fixed-support sets train with `metanlp train --dataset {dataset.Info.Name}`.", nameof(dataset));
        return Run(dataset.Dataset, split, options, DatasetRecipes.Of(dataset.Info.Name), dataset.Protocol, dataset.LabelNames, cancellation);
    }

    /// <summary>
    /// Meta-trains on <paramref name="dataset"/>'s <see cref="ClassSplit.Train"/> classes, validating on its
    /// <see cref="ClassSplit.Validation"/> classes (none with fewer than two: the last weights are kept), with the
    /// general recipe for options left out.
    /// </summary>
    /// <exception cref="ArgumentException">The split names classes the dataset does not have, has fewer than two training classes, or an option is out of bounds; a frozen encoder with nothing to train.</exception>
    /// <exception cref="IOException"><see cref="MetaLearnerOptions.OutputDirectory"/> already holds a run (resume it with <see cref="Resume"/>).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellation"/> was cancelled; the training state is saved first (<see cref="Resume"/>).</exception>
    public static FewShotClassifier Train(TextDataset dataset, ClassSplit split, MetaLearnerOptions? options = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return Run(dataset, split, options, recipes: null, protocol: null, labelNames: null, cancellation);
    }

    /// <summary>
    /// Continues the run saved in <paramref name="outputDirectory"/> (cancelled, killed, or stopped at its episode
    /// limit) with the options, seed and episodes it was started with; <paramref name="maxEpisodes"/> can extend it.
    /// <paramref name="dataset"/> must be the one it was started on.
    /// </summary>
    /// <exception cref="FileNotFoundException">No training state in <paramref name="outputDirectory"/>.</exception>
    /// <exception cref="ArgumentException">The run was started on another dataset.</exception>
    public static FewShotClassifier Resume(TextDataset dataset, string outputDirectory, int? maxEpisodes = null, Action<TrainingEvent>? onProgress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentException.ThrowIfNullOrWhiteSpace(outputDirectory);
        if (maxEpisodes is int max) OptionBounds.Check(nameof(maxEpisodes), max, 1, int.MaxValue);
        var saved = MetaTrainer.ReadSavedRun(outputDirectory);
        if (saved.Dataset is { } name && name != dataset.Name)
            throw new ArgumentException($"The run in '{outputDirectory}' was started on dataset '{name}', not '{dataset.Name}'.", nameof(dataset));
        var split = saved.Split ?? throw new ArgumentException($"The run in '{outputDirectory}' records no class split, so MetaLearner cannot rebuild its episodes; resume it with `metanlp train --resume`.", nameof(outputDirectory));
        var (train, validation) = Samplers(dataset, split, saved.Episodes!, saved.Trainer!.Seed);
        var trainer = new MetaTrainer { OnProgress = onProgress };
        // The saved run's task sampler, as it was started (the curriculum over the first budget), so the resumed run
        // draws the episodes the uninterrupted run would have.
        var trainSource = TaskSamplers.Apply(saved.Trainer.Sampler, train, saved.Trainer.MaxEpisodes, saved.Trainer.Seed, saved.Trainer.HardSampler);
        var result = trainer.Resume(outputDirectory, trainSource, validation, maxEpisodes, cancellation);
        return new FewShotClassifier(Checkpoint.LoadModel(result.ModelPath), result.Progress);
    }

    private static FewShotClassifier Run(TextDataset dataset, ClassSplit split, MetaLearnerOptions? options, IReadOnlyList<TrainingRecipe>? recipes,
        BenchmarkProtocol? protocol, IReadOnlyDictionary<string, string>? labelNames, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(split);
        options ??= new MetaLearnerOptions();
        options.Validate();
        ClassSplitFile.Validate(split, dataset);
        if (split.Train.Count < 2) throw new ArgumentException($"Meta-training needs at least two training classes; the split has {split.Train.Count}.", nameof(split));

        var shape = protocol?.EpisodeShape ?? new EpisodeSamplerOptions();
        var recipe = TrainingRecipe.For(recipes, options.Encoder?.Kind, (options.Episodes ?? shape).Shots);
        var learner = options.Learner ?? Learner.Of(recipe.Algorithm);
        var trainerOptions = options.Trainer ?? recipe.Trainer;
        trainerOptions = trainerOptions with { Seed = options.Seed ?? trainerOptions.Seed };
        int seed = trainerOptions.Seed;
        var episodes = options.Episodes ?? shape with { Ways = recipe.Ways ?? shape.Ways };
        episodes = episodes with { AllowFewerWays = true }; // fewer training classes than ways: episodes of them all
        var contrastive = options.Contrastive ?? recipe.Contrastive;
        var trainingExamples = dataset.WithClasses(split.Train);
        var spec = FewShotModel.NewSpec(learner.Algorithm, learner.Options ?? RecipeMetric(learner.Algorithm, recipe),
            options.Encoder ?? recipe.Encoder, contrastive.VocabularyTexts(trainingExamples.Select(e => e.Text), dataset.Unlabeled),
            new WordTokenizerOptions { MaxLength = options.MaxTokens ?? recipe.MaxTokens }) with
        {
            LabelTexts = options.LabelText ?? recipe.LabelText
                ? new LabelTexts
                {
                    Names = options.LabelNames ?? labelNames ?? new Dictionary<string, string>(),
                    Weight = options.LabelTextWeight ?? recipe.LabelTextWeight,
                }
                : null,
        };
        var (train, validation) = Samplers(dataset, split, episodes, seed);

        torch.manual_seed(seed);
        var model = FewShotModel.Create(spec);
        if (!model.Learner.Module.parameters().Any(p => p.requires_grad))
            throw new ArgumentException(
                $"Nothing to train: the {spec.Encoder.Kind} encoder is frozen (FineTuneLayers 0) and learner '{spec.Algorithm}' has no weights of its own. " +
                $"Use FewShotClassifier.FromPretrained(\"{FewShotClassifier.MiniLm}\") for the frozen encoder, or set Encoder.FineTuneLayers (1 to 6, or -1 for every layer).", nameof(options));

        bool temporary = options.OutputDirectory is null;
        string output = options.OutputDirectory ?? Path.Combine(Path.GetTempPath(), $"metanlp-run-{Guid.NewGuid():N}");
        bool cancelled = false;
        try
        {
            MetaTrainer.RefuseExistingRun(output);
            ContrastiveTrainer.TrainUnlabeled(model.Embedder, dataset.Unlabeled, contrastive, seed, cancellation: cancellation);
            ContrastiveTrainer.Train(model.Embedder, trainingExamples, contrastive, seed, cancellation: cancellation);
            var info = new TrainingInfo { Dataset = dataset.Name, Split = split, Contrastive = contrastive.Active ? contrastive : null };
            var trainer = new MetaTrainer { OnProgress = options.OnProgress };
            var result = trainer.Train(model, trainerOptions, TaskSamplers.Apply(trainerOptions.Sampler, train, trainerOptions.MaxEpisodes, seed, trainerOptions.HardSampler), validation, output, info, cancellation);
            return new FewShotClassifier(Checkpoint.LoadModel(result.ModelPath), result.Progress);
        }
        catch (OperationCanceledException)
        {
            cancelled = true; // the state is saved: keep the folder so the run can resume
            throw;
        }
        finally
        {
            model.Learner.Module.Dispose();
            if (temporary && !cancelled && Directory.Exists(output)) Directory.Delete(output, recursive: true);
        }
    }

    // Episodes of the training classes, and of the validation classes when there are two or more, seeded as
    // `metanlp train` seeds them.
    private static (EpisodeSampler Train, EpisodeSampler? Validation) Samplers(TextDataset dataset, ClassSplit split, EpisodeSamplerOptions episodes, int seed) =>
        (new EpisodeSampler(dataset.All, split.Train, episodes, seed),
         split.Validation.Count >= 2 ? new EpisodeSampler(dataset.All, split.Validation, episodes, seed + 1) : null);

    // A learner left at its defaults takes the recipe's metric where it has one (ProtoNet, k-NN), as `metanlp train`
    // does; the others keep null options (their defaults), as their checkpoints always recorded.
    private static object? RecipeMetric(string algorithm, TrainingRecipe recipe)
    {
        var learner = LearnerRegistry.Find(algorithm);
        return learner.Accepts(nameof(PrototypicalOptions.Distance), typeof(MetricDistance)) ? recipe.LearnerOptions(learner, new Dictionary<string, object>()) : null;
    }
}
