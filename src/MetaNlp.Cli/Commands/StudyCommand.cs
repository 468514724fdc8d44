using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using MetaNlp.Api;
using MetaNlp.Reports;
using MetaNlp.Studies;
using MetaNlp.Text;
using MetaNlp.Workarounds;

namespace MetaNlp.Cli.Commands;

/// <summary>
/// <c>metanlp study data-needs</c>: test accuracy against the number of meta-training classes and the examples per
/// class (<see cref="DataNeedsStudy"/>), a table on stdout, the cells, a CSV and a plot in the study folder.
/// </summary>
internal static class StudyCommand
{
    public static Command Create()
    {
        var command = new Command("study", "Measurements over many training runs.");
        command.Subcommands.Add(DataNeeds());
        return command;
    }

    private static Command DataNeeds()
    {
        var data = new DataSelection();
        var model = new ModelOptions();
        var episodes = new EpisodeOptions();
        var classCounts = new Option<string?>("--class-counts") { Description = "Numbers of meta-training classes, comma-separated (each 2 to the split's). Default: a quarter, half and all of the split's." };
        var examples = new Option<string?>("--examples-per-class") { Description = "Examples kept per meta-training class, comma-separated, `all` for every one; each at least a training episode's shots plus queries. Default: that least number, four times it, and all." };
        var testEpisodes = CliOptions.Positive<int>("--test-episodes", "Test episodes per cell (the same for every cell), 1 to 1,000,000.", 300);
        var maxEpisodes = CliOptions.Positive<int>("--max-episodes", $"Training episodes at most, per cell. {ModelOptions.RecipeDefault}");
        var lr = CliOptions.Positive<double>("--lr", $"Outer (meta) learning rate, above 0 and at most 10. {ModelOptions.RecipeDefault}");
        var valEvery = CliOptions.NonNegative("--val-every", $"Validate every N episodes (0: never). {ModelOptions.RecipeDefault}");
        var valEpisodes = CliOptions.Positive<int>("--val-episodes", $"Validation episodes. {ModelOptions.RecipeDefault}");
        var patience = CliOptions.Positive<int>("--patience", $"Stop after this many validations without improvement. {ModelOptions.RecipeDefault}");
        var seed = CliOptions.Seed();
        var evalSeed = new Option<int>("--eval-seed") { Description = "Seed of the test episodes.", DefaultValueFactory = _ => 2024 };
        var outDir = new Option<string>("--out") { Description = "The study's folder: one run folder and one result file per cell, data-needs.csv and data-needs.png. Run the same command again to continue a stopped study.", Required = true };
        var threads = CliOptions.Threads();
        var json = CliOptions.Json();

        var command = new Command("data-needs", "Test accuracy against the number of meta-training classes and examples per class: one training run per cell of the grid (docs/STUDIES.md).");
        data.AddTo(command);
        model.AddTo(command);
        episodes.AddTo(command);
        foreach (var option in new Option[] { classCounts, examples, testEpisodes, maxEpisodes, lr, valEvery, valEpisodes, patience, seed, evalSeed, outDir, threads, json })
            command.Options.Add(option);

        command.SetAction(result => CommandRunner.Run(() =>
        {
            var clock = Stopwatch.StartNew();
            NativeThreads.SetThreads(result.GetValue(threads));
            var counts = ParseList(result.GetValue(classCounts), classCounts.Name, allowAll: false);
            var perClass = ParseList(result.GetValue(examples), examples.Name, allowAll: true);
            var selected = data.Load(result, result.GetValue(episodes.Shots));
            if (selected.Split is null) throw new ArgumentException("The data-needs study subsamples a class split's training classes: give one (--split FILE or --train/--val/--test-classes), or a registry dataset that has one.");
            var protocol = selected.Registry?.Protocol;
            var testShape = episodes.Read(result, protocol);
            var recipe = model.Recipe(result, selected, testShape.Shots);
            var trainingShape = recipe.Ways is int ways && result.GetValue(episodes.Ways) is null ? testShape with { Ways = ways } : testShape;
            var labelTexts = model.ReadLabelTexts(result, recipe, selected);
            var training = new MetaLearnerOptions
            {
                Learner = Learner.Of(model.ReadAlgorithm(result, recipe), model.AlgorithmOptions(result, recipe)),
                Encoder = model.ReadEncoder(result, recipe),
                Trainer = recipe.Trainer with
                {
                    MaxEpisodes = CliOptions.Given(result, maxEpisodes, recipe.Trainer.MaxEpisodes),
                    LearningRate = CliOptions.Given(result, lr, recipe.Trainer.LearningRate),
                    ValidateEvery = CliOptions.Given(result, valEvery, recipe.Trainer.ValidateEvery),
                    ValidationEpisodes = CliOptions.Given(result, valEpisodes, recipe.Trainer.ValidationEpisodes),
                    Patience = CliOptions.Given(result, patience, recipe.Trainer.Patience),
                    Seed = result.GetValue(seed),
                },
                Episodes = trainingShape,
                LabelText = labelTexts is not null,
                LabelNames = labelTexts?.Names,
                LabelTextWeight = labelTexts?.Weight,
                MaxTokens = model.ReadTokenizerOptions(result, recipe).MaxLength,
            };
            var options = new DataNeedsOptions
            {
                ClassCounts = counts,
                ExamplesPerClass = perClass,
                TestEpisodes = result.GetValue(testEpisodes),
                TestShape = testShape,
                EvaluationSeed = result.GetValue(evalSeed),
                SampleSeed = result.GetValue(seed),
                Training = training,
                TrainingDescription = Describe(training),
            };
            string folder = result.GetValue(outDir)!;
            bool asJson = result.GetValue(json);
            if (!asJson) Console.Error.WriteLine($"note: options not given come from the recipe for {training.Encoder!.Kind} on {selected.Name}: {recipe.Evidence}");
            void Print(DataNeedsCell c) => Console.Error.WriteLine(
                $"cell {c.Classes} classes x {PerClass(c)} examples: {c.Accuracy * 100:F2} +- {c.Ci95 * 100:F2} % ({c.EpisodesTrained} episodes, {c.Seconds:F0} s)");
            var cells = selected.Registry is { } registry
                ? DataNeedsStudy.Run(registry with { Dataset = selected.Dataset, Split = selected.Split }, options, folder, Print)
                : DataNeedsStudy.Run(selected.Dataset, selected.Split, options, folder, Print);

            string csv = Path.Combine(folder, "data-needs.csv");
            AtomicFile.WriteAllText(csv, "classes,examples_per_class,training_examples,accuracy,ci95,episodes_trained,best_validation,seconds\n" + string.Concat(cells.Select(c => string.Create(CultureInfo.InvariantCulture,
                $"{c.Classes},{PerClass(c)},{c.TrainingExamples},{c.Accuracy * 100:F2},{c.Ci95 * 100:F2},{c.EpisodesTrained},{(c.BestValidationAccuracy is double v ? (v * 100).ToString("F2", CultureInfo.InvariantCulture) : "")},{c.Seconds:F1}\n"))));
            string plot = Path.Combine(folder, DataNeedsPlot.FileName);
            DataNeedsPlot.Save(cells, $"{selected.Name}: {training.Learner!.Algorithm} over {training.Encoder!.Kind}, {testShape.Ways}-way {testShape.Shots}-shot", plot);
            if (asJson)
            {
                Output.Json(new JsonObject
                {
                    ["dataset"] = selected.Name,
                    ["algo"] = training.Learner.Algorithm,
                    ["encoder"] = training.Encoder.Kind,
                    ["ways"] = testShape.Ways,
                    ["shots"] = testShape.Shots,
                    ["test_episodes"] = options.TestEpisodes,
                    ["cells"] = new JsonArray([.. cells.Select(c => (JsonNode)new JsonObject
                    {
                        ["classes"] = c.Classes,
                        ["examples_per_class"] = c.ExamplesPerClass,
                        ["training_examples"] = c.TrainingExamples,
                        ["accuracy"] = Output.Percent(c.Accuracy),
                        ["ci95"] = Output.Percent(c.Ci95),
                        ["episodes_trained"] = c.EpisodesTrained,
                        ["seconds"] = Math.Round(c.Seconds, 1),
                    })]),
                    ["csv"] = Path.GetFullPath(csv),
                    ["plot"] = Path.GetFullPath(plot),
                    ["seconds"] = Math.Round(clock.Elapsed.TotalSeconds, 3),
                });
            }
            else
            {
                Console.WriteLine($"{selected.Name}, {training.Learner.Algorithm} over {training.Encoder.Kind}, {testShape.Ways}-way {testShape.Shots}-shot, {options.TestEpisodes} test episodes per cell:");
                Console.WriteLine("classes  examples/class  training examples  test accuracy");
                foreach (var c in cells)
                    Console.WriteLine($"{c.Classes,7}  {PerClass(c),14}  {c.TrainingExamples,17}  {c.Accuracy * 100:F2} +- {c.Ci95 * 100:F2} %");
                Console.WriteLine($"table: {csv}; plot: {plot}");
            }
            return 0;
        }));
        return command;
    }

    // Examples per class as the command line writes them: a number, or all.
    private static string PerClass(DataNeedsCell cell) => cell.ExamplesPerClass is int k ? k.ToString(CultureInfo.InvariantCulture) : "all";

    private static int[] ParseList(string? text, string option, bool allowAll)
    {
        if (text is null) return [];
        var values = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            if (allowAll && part.Equals("all", StringComparison.OrdinalIgnoreCase)) values.Add(DataNeedsOptions.AllExamples);
            else if (int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value >= 1) values.Add(value);
            else throw new ArgumentException($"{option} '{text}': '{part}' is not a positive whole number{(allowAll ? " or all" : "")}.");
        }
        return [.. values.Distinct()];
    }

    // What the study folder records of the training settings, so a continued study with others is refused.
    // A study of the default cut records no maxTokens, as studies did before the option existed.
    private static string Describe(MetaLearnerOptions training)
    {
        var settings = new Dictionary<string, object?>
        {
            ["learner"] = training.Learner?.Algorithm,
            ["learnerOptions"] = training.Learner?.Options,
            ["encoder"] = training.Encoder,
            ["trainer"] = training.Trainer,
            ["episodes"] = training.Episodes,
            ["labelTextWeight"] = training.LabelText == true ? training.LabelTextWeight : null,
        };
        if (training.MaxTokens is int maxTokens && maxTokens != WordTokenizerOptions.DefaultMaxLength) settings["maxTokens"] = maxTokens;
        return JsonSerializer.Serialize(settings);
    }
}
