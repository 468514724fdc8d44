using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MetaNlp.Api;
using MetaNlp.Data;
using MetaNlp.Evaluation;

namespace MetaNlp.Studies;

/// <summary>
/// How much meta-training data a learner needs: for each number of training classes C and examples per class E of
/// the grid, a model is meta-trained on C of the split's training classes with E examples each (nested subsets drawn
/// with <see cref="DataNeedsOptions.SampleSeed"/>; validation and test classes untouched) and scored on the same test
/// episodes. Each cell is saved in the study folder as it finishes (<c>cell-C-E.json</c>, written atomically), so a
/// stopped study run again with the same options continues at the first unfinished cell, which starts over.
/// </summary>
public static class DataNeedsStudy
{
    /// <summary>The study's settings in its folder (checked when a study is continued).</summary>
    public const string SettingsFileName = "study.json";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>Runs the study on a registry dataset with its class split and recipes.</summary>
    /// <exception cref="ArgumentException">The data is not episodic or has no class split, the grid is out of bounds, or the folder holds a study with other settings.</exception>
    public static IReadOnlyList<DataNeedsCell> Run(LoadedDataset dataset, DataNeedsOptions options, string outputDirectory, Action<DataNeedsCell>? onCell = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (dataset.Parts is not EpisodicParts)
            throw new ArgumentException($"'{dataset.Info.Name}' is evaluated on fixed support sets; the data-needs study subsamples the training classes of episodic data.", nameof(dataset));
        var split = dataset.Split ?? throw new ArgumentException($"'{dataset.Info.Name}' has no class split to subsample.", nameof(dataset));
        return Run(dataset.Dataset, split, dataset.Protocol.EpisodeShape, options, outputDirectory, onCell,
            (data, cellSplit, training) => MetaLearner.Train(dataset with { Dataset = data, Split = cellSplit }, training),
            cancellation);
    }

    /// <summary>Runs the study on a user's data and class split, with the general recipe for options left out.</summary>
    /// <exception cref="ArgumentException">The grid is out of bounds for the split, or the folder holds a study with other settings.</exception>
    public static IReadOnlyList<DataNeedsCell> Run(TextDataset dataset, ClassSplit split, DataNeedsOptions options, string outputDirectory, Action<DataNeedsCell>? onCell = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return Run(dataset, split, null, options, outputDirectory, onCell, (data, cellSplit, training) => MetaLearner.Train(data, cellSplit, training), cancellation);
    }

    /// <summary>
    /// The data of one cell: <paramref name="classes"/> of the split's training classes with at most
    /// <paramref name="examplesPerClass"/> examples each (null: all), every validation and test example kept. The
    /// classes are the first of one seeded permutation of the training classes and each class's examples the first of
    /// one seeded permutation of them, so a smaller cell's data is part of a larger one's.
    /// </summary>
    public static (TextDataset Data, ClassSplit Split) Subsample(TextDataset dataset, ClassSplit split, int classes, int? examplesPerClass, int seed)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(split);
        if (classes < 2 || classes > split.Train.Count)
            throw new ArgumentOutOfRangeException(nameof(classes), $"{classes} training classes asked for; the split has {split.Train.Count} (at least 2 are needed).");
        if (examplesPerClass is < 1) throw new ArgumentOutOfRangeException(nameof(examplesPerClass), "Keep at least one example per class.");
        var random = new Random(seed);
        var order = split.Train.Order(StringComparer.Ordinal).ToArray();
        random.Shuffle(order);
        var kept = order[..classes];
        // One permutation per training class, in a fixed order, whichever classes this cell keeps.
        var byLabel = dataset.All.ToLookup(e => e.Label, StringComparer.Ordinal);
        var permuted = new Dictionary<string, TextExample[]>(StringComparer.Ordinal);
        foreach (var label in split.Train.Order(StringComparer.Ordinal))
        {
            var examples = byLabel[label].ToArray();
            random.Shuffle(examples);
            permuted[label] = examples;
        }
        var train = new HashSet<string>(split.Train, StringComparer.Ordinal);
        var examplesKept = kept.SelectMany(c => permuted[c].Take(examplesPerClass ?? int.MaxValue))
            .Concat(dataset.All.Where(e => !train.Contains(e.Label)))
            .ToArray();
        return (new TextDataset(dataset.Name, examplesKept), new ClassSplit(kept, split.Validation, split.Test));
    }

    private static List<DataNeedsCell> Run(TextDataset dataset, ClassSplit split, EpisodeSamplerOptions? shape, DataNeedsOptions options, string outputDirectory,
        Action<DataNeedsCell>? onCell, Func<TextDataset, ClassSplit, MetaLearnerOptions, FewShotClassifier> train, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(split);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(outputDirectory);
        ClassSplitFile.Validate(split, dataset);
        int[] classCounts = options.ClassCounts.Count > 0 ? [.. options.ClassCounts] : DefaultClassCounts(split.Train.Count);

        foreach (int c in classCounts)
        {
            if (c < 2 || c > split.Train.Count)
                throw new ArgumentException($"Class count {c} is out of bounds: the split has {split.Train.Count} training classes (at least 2 are needed).", nameof(options));
        }
        var episodeShape = options.Training.Episodes ?? shape ?? new EpisodeSamplerOptions();
        int needed = episodeShape.Shots + episodeShape.Queries;
        // By default the fewest examples a training episode can be drawn from, four times that, and all.
        int[] examples = options.ExamplesPerClass.Count > 0 ? [.. options.ExamplesPerClass] : [needed, 4 * needed, DataNeedsOptions.AllExamples];
        if (examples.Any(e => e < 0)) throw new ArgumentException("Examples per class must be at least 1 (or 0 for all).", nameof(options));
        if (examples.FirstOrDefault(e => e != DataNeedsOptions.AllExamples && e < needed) is int tooFew and > 0)
            throw new ArgumentException($"{tooFew} examples per class cannot fill a {episodeShape.Shots}-shot {episodeShape.Queries}-query training episode, which takes {needed} of each class: keep at least {needed}, or train on smaller episodes.", nameof(options));
        OptionBounds.Check(nameof(options.TestEpisodes), options.TestEpisodes, 1, 1_000_000);
        if (split.Test.Count < 2) throw new ArgumentException($"The split has {split.Test.Count} test classes; the study scores episodes of at least 2.", nameof(split));

        var trainingShape = options.Training.Episodes;
        var testShape = (options.TestShape ?? (shape is { } benchmark ? benchmark with { Shots = trainingShape?.Shots ?? benchmark.Shots } : trainingShape) ?? new EpisodeSamplerOptions())
            with
        { AllowFewerWays = true };
        Directory.CreateDirectory(outputDirectory);
        CheckSettings(outputDirectory, classCounts, examples, testShape, options);
        var test = new EpisodeSampler(dataset.All, split.Test, testShape, options.EvaluationSeed);
        var cells = new List<DataNeedsCell>();
        foreach (int c in classCounts.Order())
        {
            foreach (int e in examples.OrderBy(e => e == DataNeedsOptions.AllExamples ? int.MaxValue : e))
            {
                cancellation.ThrowIfCancellationRequested();
                int? perClass = e == DataNeedsOptions.AllExamples ? null : e;
                string name = $"cell-{c}-{(perClass is int k ? k.ToString(CultureInfo.InvariantCulture) : "all")}";
                string resultPath = Path.Combine(outputDirectory, name + ".json");
                if (File.Exists(resultPath))
                {
                    cells.Add(JsonSerializer.Deserialize<DataNeedsCell>(File.ReadAllText(resultPath))
                        ?? throw new InvalidDataException($"'{resultPath}' holds no study cell: delete it to train the cell again."));
                    continue;
                }
                string runFolder = Path.Combine(outputDirectory, name);
                // A cell stopped half-way starts over: its folder holds a run that MetaLearner would refuse to overwrite.
                if (Directory.Exists(runFolder)) Directory.Delete(runFolder, recursive: true);
                var clock = Stopwatch.StartNew();
                var (data, cellSplit) = Subsample(dataset, split, c, perClass, options.SampleSeed);
                using var classifier = train(data, cellSplit, options.Training with { OutputDirectory = runFolder });
                var scored = EpisodeEvaluator.Evaluate(classifier.Model.Learner, test, options.TestEpisodes);
                var progress = classifier.Progress;
                var cell = new DataNeedsCell(c, perClass, data.All.Count(x => cellSplit.Train.Contains(x.Label)), scored.Accuracy.Mean, scored.Accuracy.Ci95,
                    progress?.EpisodesDone ?? 0, progress?.BestValidationAccuracy, clock.Elapsed.TotalSeconds);
                AtomicFile.WriteAllText(resultPath, JsonSerializer.Serialize(cell, Json));
                cells.Add(cell);
                onCell?.Invoke(cell);
            }
        }
        return cells;
    }

    private static int[] DefaultClassCounts(int train) => [.. new[] { train / 4, train / 2, train }.Where(c => c >= 2).Distinct()];

    private static void CheckSettings(string folder, int[] classCounts, int[] examples, EpisodeSamplerOptions testShape, DataNeedsOptions options)
    {
        string path = Path.Combine(folder, SettingsFileName);
        var settings = new Dictionary<string, string>
        {
            ["classCounts"] = string.Join(",", classCounts),
            ["examplesPerClass"] = string.Join(",", examples),
            ["testEpisodes"] = options.TestEpisodes.ToString(CultureInfo.InvariantCulture),
            ["testShape"] = JsonSerializer.Serialize(testShape),
            ["evaluationSeed"] = options.EvaluationSeed.ToString(CultureInfo.InvariantCulture),
            ["sampleSeed"] = options.SampleSeed.ToString(CultureInfo.InvariantCulture),
            ["training"] = options.TrainingDescription,
        };
        if (File.Exists(path))
        {
            var saved = JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(path))
                ?? throw new InvalidDataException($"'{path}' holds no study settings.");
            var differing = settings.Where(kv => !saved.TryGetValue(kv.Key, out var v) || v != kv.Value).Select(kv => $"{kv.Key}: the study has '{saved.GetValueOrDefault(kv.Key)}', this run '{kv.Value}'").ToArray();
            if (differing.Length > 0)
                throw new ArgumentException($"The study in '{folder}' was started with other settings ({string.Join("; ", differing)}). Give the same settings to continue it, or another folder.");
            return;
        }
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(settings, Json));
    }
}
