using System.CommandLine;
using System.Diagnostics;
using System.Text.Json.Nodes;
using MetaNlp.Algorithms;
using MetaNlp.Data;
using MetaNlp.Encoders;
using MetaNlp.Models;
using MetaNlp.Training;
using MetaNlp.Workarounds;
using TorchSharp;

namespace MetaNlp.Cli.Commands;

/// <summary><c>metanlp train</c>: episodic meta-training on the training classes, early stopping on the validation classes.</summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var data = new DataSelection();
        var model = new ModelOptions();
        var episodes = new EpisodeOptions();
        var maxEpisodes = CliOptions.Positive<int>("--max-episodes", $"Training episodes at most. {ModelOptions.RecipeDefault}");
        var metaBatch = CliOptions.Positive<int>("--meta-batch", "Episodes per optimizer step, 1 to 1,024.", 1);
        var lr = CliOptions.Positive<double>("--lr", $"Outer (meta) learning rate, above 0 and at most 10. {ModelOptions.RecipeDefault}");
        var outerOptimizer = new Option<string>("--outer-optimizer") { Description = "Outer optimizer: adam, or sgd (Reptile's plain step).", DefaultValueFactory = _ => "adam" }
            .AcceptOnlyFromAmong("adam", "sgd");
        var embeddingUpdates = new Option<string>("--embedding-updates")
        {
            Description = "How the outer optimizer updates a trained word table: sparse (only the rows each step's episodes read get a gradient and move; "
                + "lazy Adam as PyTorch's SparseAdam) or dense (every row, every step).",
            DefaultValueFactory = _ => "sparse",
        }.AcceptOnlyFromAmong("sparse", "dense");
        var weightDecay = new Option<double>("--weight-decay") { Description = "Weight decay (L2) of the outer optimizer, 0 to 10." };
        var clip = new Option<double>("--clip-grad") { Description = "Clip the gradient norm (0: off; at most 1,000,000)." };
        var valEvery = CliOptions.NonNegative("--val-every", $"Validate before the first episode and every N episodes after it (0: never; the last weights are kept). {ModelOptions.RecipeDefault}");
        var valEpisodes = CliOptions.Positive<int>("--val-episodes", $"Validation episodes. {ModelOptions.RecipeDefault}");
        var patience = CliOptions.Positive<int>("--patience", $"Stop after this many validations without improvement. {ModelOptions.RecipeDefault}");
        var checkpointEvery = CliOptions.Positive<int>("--checkpoint-every", "Save the resumable state every N episodes.", 100);
        var outDir = new Option<string?>("--out") { Description = "Output folder (model.ckpt, train-state.ckpt). Default: runs/DATASET-ALGO-ENCODER-NwKs." };
        var resume = new Option<bool>("--resume") { Description = "Continue the run saved in --out (same data options)." };
        var initModel = new Option<string?>("--init-model")
        {
            Description = "Start the encoder from this trained model (model.ckpt) instead of the pretrained or random weights: meta-train on related data, then train on yours. "
                + "Encoder options not given come from it; the learner's own weights start fresh.",
        };
        var sampler = new Option<string>("--sampler")
        {
            Description = "How training episodes pick their classes: uniform (default), balanced (least-drawn classes first), curriculum (easy to hard, widening over the run), or hard (the classes the model currently gets wrong or confuses, more often). See docs/ALGORITHMS.md.",
            DefaultValueFactory = _ => TaskSamplers.Uniform,
        }.AcceptOnlyFromAmong([.. TaskSamplers.Names]);
        var hardFloor = new Option<double>("--hard-floor") { Description = "--sampler hard: added to each class's running error before weighting, so every class stays drawable; above 0, at most 10 (default 0.1)." };
        var hardTemperature = new Option<double>("--hard-temperature") { Description = "--sampler hard: class weights are (error + floor)^(1/temperature); 0.01 to 100 (default 1)." };
        var hardPair = new Option<double>("--hard-pair-probability") { Description = "--sampler hard: chance that each class after an episode's first is drawn by how often it is confused with the first; 0 to 1 (default 0.5)." };
        var hardDecay = new Option<double>("--hard-decay") { Description = "--sampler hard: weight of the old value in the running error and confusion estimates; 0 to 0.999 (default 0.9)." };
        var contrastiveEpochs = CliOptions.NonNegative("--contrastive-epochs",
            $"Before meta-training, this many epochs of supervised contrastive training of the encoder over the training classes (SetFit / ContrastNet style; 0: none). {ModelOptions.RecipeDefault}");
        var unlabeledEpochs = CliOptions.NonNegative("--unlabeled-epochs",
            $"Before meta-training (and before --contrastive-epochs), this many epochs of self-supervised contrastive training of the encoder over the data's unlabelled texts (SimCSE style: two views of each text by word dropout or dropout; FewCLUE EPRSTMT and TNEWS ship them); the vocabulary then also comes from those texts. 0: none. {ModelOptions.RecipeDefault}");
        var unlabeledFile = new Option<string?>("--unlabeled-file") { Description = "Unlabelled texts for --unlabeled-epochs, one per line (UTF-8; .gz read as gzip), in place of the data's own." };
        var contrastiveLr = CliOptions.Positive<double>("--contrastive-lr", $"Learning rate of the contrastive stages, above 0 and at most 10. {ModelOptions.RecipeDefault}");
        var seed = CliOptions.Seed();
        var threads = CliOptions.Threads();
        var hiddenCacheMb = CliOptions.HiddenCacheMegabytes();
        var hiddenCacheFloat16 = CliOptions.HiddenCacheFloat16();
        var json = CliOptions.Json();
        var cluster = new Option<string?>("--cluster") { Description = "Compute each step's tasks on the workers of this cluster (configuration file; docs/CLUSTER.md); this process coordinates." };

        var generation = new GenerationTraining();
        var command = new Command("train", "Meta-train a few-shot learner on a dataset's training classes, or (--task-family) a text generation model over a family of tasks.");
        data.AddTo(command);
        generation.AddTo(command);
        model.AddTo(command);
        episodes.AddTo(command);
        foreach (var option in new Option[] { maxEpisodes, sampler, hardFloor, hardTemperature, hardPair, hardDecay, metaBatch, lr, outerOptimizer, embeddingUpdates, weightDecay, clip, valEvery, valEpisodes, patience, checkpointEvery, contrastiveEpochs, unlabeledEpochs, unlabeledFile, contrastiveLr, outDir, resume, initModel, seed, threads, hiddenCacheMb, hiddenCacheFloat16, json, cluster })
            command.Options.Add(option);

        command.SetAction(result => CommandRunner.Run(() =>
        {
            if (generation.IsGiven(result))
                return generation.Run(result, new GenerationTraining.Shared(data, model, episodes, maxEpisodes, metaBatch, lr, outerOptimizer, checkpointEvery, outDir, resume, seed, threads, json));
            var clock = Stopwatch.StartNew();
            // A bad cluster file is refused before any data is read.
            var clusterConfig = result.GetValue(cluster) is { } clusterPath ? MetaNlp.Cluster.ClusterConfig.Load(clusterPath) : null;
            NativeThreads.SetThreads(result.GetValue(threads));
            CliOptions.ApplyHiddenCache(result, hiddenCacheMb, hiddenCacheFloat16);
            // --shots also picks a fixed-support dataset's support file (DNNC: train_5 or train_10).
            var selected = data.Load(result, result.GetValue(episodes.Shots));
            var sampling = episodes.Read(result, selected.Registry?.Protocol);
            var recipe = model.Recipe(result, selected, sampling.Shots);
            sampling = episodes.WithRecipeWays(result, sampling, recipe);
            bool asJson = result.GetValue(json);
            string output = result.GetValue(outDir) ?? Path.Combine("runs", $"{selected.Name}-{model.ReadAlgorithm(result, recipe)}-{recipe.Encoder.Kind}-{sampling.Ways}w{sampling.Shots}s");
            int runSeed = result.GetValue(seed);
            var savedRun = ResumePolicy.Find(output, result.GetValue(resume));
            ModelSpec? saved = savedRun?.Spec;
            string? initPath = result.GetValue(initModel);
            FewShotModel? initial = initPath is null || saved is not null ? null : Checkpoint.LoadModel(initPath);
            if (initial is not null && (result.GetValue(model.Encoder) is null || result.GetValue(model.Encoder) == initial.Spec.Encoder.Kind))
                recipe = DatasetRecipes.For(selected.Registry?.Info.Name, initial.Spec.Encoder.Kind, sampling.Shots) with { Encoder = initial.Spec.Encoder };
            if (savedRun is not null)
            {
                // The saved run decides the episodes, the seed and the options not given (ResumePolicy).
                RefuseChangedEpisodes(result, episodes, savedRun);
                sampling = savedRun.Episodes;
                runSeed = savedRun.Seed;
                recipe = savedRun.Recipe(recipe, encoderChanged: result.GetValue(model.Encoder) is { } encoder && encoder != savedRun.Spec.Encoder.Kind);
                Console.Error.WriteLine($"Resuming the run in {output} ({sampling.Ways}-way {sampling.Shots}-shot, seed {runSeed}).");
            }
            else
            {
                if (result.GetValue(resume)) Console.Error.WriteLine($"note: nothing to resume in {output}; starting a new run.");
                Console.Error.WriteLine($"note: options not given come from the recipe for {recipe.Encoder.Kind} on {selected.Name}{(initial is null ? "" : ", the encoder's from the initial model")}: {recipe.Evidence}");
            }
            var sources = TrainingSources.From(selected.ForProtocol(), sampling with { AllowFewerWays = true }, runSeed);
            var trainSampler = sources.Train;
            var validationSampler = sources.Validation;

            var options = recipe.Trainer with
            {
                MaxEpisodes = CliOptions.Given(result, maxEpisodes, recipe.Trainer.MaxEpisodes),
                MetaBatchSize = CliOptions.Given(result, metaBatch, recipe.Trainer.MetaBatchSize),
                LearningRate = CliOptions.Given(result, lr, recipe.Trainer.LearningRate),
                OuterOptimizer = CliOptions.Given(result, outerOptimizer, recipe.Trainer.OuterOptimizer),
                SparseEmbeddings = CliOptions.Given(result, embeddingUpdates, recipe.Trainer.SparseEmbeddings ? "sparse" : "dense") == "sparse",
                WeightDecay = CliOptions.Given(result, weightDecay, recipe.Trainer.WeightDecay),
                ClipGradientNorm = CliOptions.Given(result, clip, recipe.Trainer.ClipGradientNorm),
                ValidateEvery = CliOptions.Given(result, valEvery, recipe.Trainer.ValidateEvery),
                ValidationEpisodes = CliOptions.Given(result, valEpisodes, recipe.Trainer.ValidationEpisodes),
                Patience = CliOptions.Given(result, patience, recipe.Trainer.Patience),
                CheckpointEvery = CliOptions.Given(result, checkpointEvery, recipe.Trainer.CheckpointEvery),
                Seed = runSeed,
                // A resumed run keeps its saved sampler (refused below if another is asked for).
                Sampler = CliOptions.Given(result, sampler, recipe.Trainer.Sampler),
                HardSampler = new HardSamplerOptions
                {
                    Floor = CliOptions.Given(result, hardFloor, recipe.Trainer.HardSampler.Floor),
                    Temperature = CliOptions.Given(result, hardTemperature, recipe.Trainer.HardSampler.Temperature),
                    PairProbability = CliOptions.Given(result, hardPair, recipe.Trainer.HardSampler.PairProbability),
                    Decay = CliOptions.Given(result, hardDecay, recipe.Trainer.HardSampler.Decay),
                },
            };
            if (savedRun is not null && options.Sampler != savedRun.Training.Trainer!.Sampler)
                throw new ArgumentException($"--sampler {options.Sampler} differs from the saved run's {savedRun.Training.Trainer!.Sampler} in {output}; resume with the same sampler or start a new --out.");
            if (options.Sampler != TaskSamplers.Hard && new[] { hardFloor, hardTemperature, hardPair, hardDecay }.FirstOrDefault(o => result.GetResult(o) is not null) is { } unused)
                throw new ArgumentException($"{unused.Name} applies to --sampler hard only (this run's sampler is {options.Sampler}).");
            try
            {
                options.HardSampler.Validate();
            }
            catch (ArgumentOutOfRangeException e)
            {
                // The library names the option's property; the user typed the command-line option.
                var option = e.ParamName switch
                {
                    nameof(HardSamplerOptions.Floor) => hardFloor,
                    nameof(HardSamplerOptions.Temperature) => hardTemperature,
                    nameof(HardSamplerOptions.PairProbability) => hardPair,
                    _ => hardDecay,
                };
                throw new ArgumentException($"{option.Name}: {OptionBounds.MessageOf(e)}", e);
            }
            // The curriculum widens over the run's first length, so a resumed run with a longer --max-episodes draws
            // the same episodes; the hard sampler keeps the options it was started with.
            trainSampler = TaskSamplers.Apply(options.Sampler, trainSampler, savedRun?.Training.Trainer!.MaxEpisodes ?? options.MaxEpisodes, runSeed,
                savedRun?.Training.Trainer!.HardSampler ?? options.HardSampler);
            var contrastive = recipe.Contrastive with
            {
                Epochs = CliOptions.Given(result, contrastiveEpochs, recipe.Contrastive.Epochs),
                UnlabeledEpochs = CliOptions.Given(result, unlabeledEpochs, recipe.Contrastive.UnlabeledEpochs),
                LearningRate = CliOptions.Given(result, contrastiveLr, recipe.Contrastive.LearningRate),
            };
            // Every option is checked against its bounds before any tensor is made (MetaTrainer checks again).
            options.Validate();
            contrastive.Validate();
            if (result.GetValue(unlabeledFile) is { } unlabeledPath)
            {
                if (contrastive.UnlabeledEpochs == 0)
                    throw new ArgumentException($"{unlabeledFile.Name}: no stage reads it; give {unlabeledEpochs.Name} (1 scored best on FewCLUE EPRSTMT, docs/BENCHMARKS.md).");
                sources = sources with { UnlabeledTexts = UnlabeledTextFile.Read(unlabeledPath) };
            }
            if (contrastive.UnlabeledEpochs > 0 && sources.UnlabeledTexts.Count < 2)
                throw new ArgumentException($"{unlabeledEpochs.Name}: '{selected.Name}' has no unlabelled texts to train on (FewCLUE EPRSTMT and TNEWS ship them); give them with {unlabeledFile.Name}.");
            var info = new TrainingInfo
            {
                Dataset = selected.Name,
                Split = sources.Split,
                SupportShots = sources.SupportShots,
                // A run saved before the split index was recorded resumes as it was saved.
                SplitIndex = sources.SupportShots is null || savedRun is { Training.SplitIndex: null } ? null : result.GetValue(data.SplitIndex),
                Contrastive = contrastive.Active ? contrastive : null,
                InitialModel = initPath is null ? null : InitialModelInfo.Of(initPath),
            };
            var spec = FewShotModel.NewSpec(model.ReadAlgorithm(result, recipe), model.AlgorithmOptions(result, recipe), model.ReadEncoder(result, recipe), sources.VocabularyTextsFor(contrastive), model.ReadTokenizerOptions(result, recipe));
            spec = spec with { LabelTexts = model.ReadLabelTexts(result, recipe, selected) };
            if (initial is not null) spec = EncoderWarmStart.SpecFrom(spec, initial);
            if (savedRun is not null)
            {
                // The data always counts; other fields only where the command line sets them, since everything else comes from the saved run.
                var trainerFields = new Dictionary<string, Option>(StringComparer.Ordinal)
                {
                    ["training.trainer.metaBatchSize"] = metaBatch,
                    ["training.trainer.learningRate"] = lr,
                    ["training.trainer.outerOptimizer"] = outerOptimizer,
                    ["training.trainer.sparseEmbeddings"] = embeddingUpdates,
                    ["training.trainer.weightDecay"] = weightDecay,
                    ["training.trainer.clipGradientNorm"] = clip,
                    ["training.trainer.validateEvery"] = valEvery,
                    ["training.trainer.validationEpisodes"] = valEpisodes,
                    ["training.trainer.patience"] = patience,
                    ["training.trainer.checkpointEvery"] = checkpointEvery,
                    ["training.trainer.seed"] = seed,
                    ["training.contrastive.epochs"] = contrastiveEpochs,
                    ["training.contrastive.unlabeledEpochs"] = unlabeledEpochs,
                    ["training.contrastive.learningRate"] = contrastiveLr,
                    ["training.initialModel"] = initModel,
                    ["training.initialModel.file"] = initModel,
                    ["training.initialModel.sha256"] = initModel,
                    ["training.initialModel.dataset"] = initModel,
                };
                Option? OptionOf(string path) => model.OptionOf(result, path) ?? trainerFields.GetValueOrDefault(path);
                var refused = savedRun.Refusals(spec with { Training = info with { Trainer = options, Contrastive = contrastive.Active ? contrastive : null } },
                        path => OptionOf(path) is { } option && result.GetResult(option) is { Implicit: false })
                    .Select(c => $"{OptionOf(c.Path)?.Name ?? DataOptionOf(c.Path)}: the run has {c.Saved}, this command {c.Requested}")
                    .ToArray();
                if (refused.Length > 0)
                    throw new ArgumentException($"--resume: the run in '{output}' was started with other data or options ({string.Join("; ", refused)}). Give the options it was started with, or another --out for a new run.");
            }
            foreach (var note in new[] { trainSampler.Note, validationSampler?.Note }.OfType<string>()) Console.Error.WriteLine($"note: {note}");
            if (validationSampler is null) Console.Error.WriteLine("note: fewer than two validation classes, so no validation: the last weights are kept.");

            using var clusterHost = clusterConfig is null ? null : ClusterJob.Connect(clusterConfig);
            var clusterJob = clusterHost is null ? null : new ClusterJob(ClusterJob.DataArguments(result, data), result.GetValue(episodes.Shots), sampling with { AllowFewerWays = true }, runSeed, options.Sampler,
                savedRun?.Training.Trainer!.MaxEpisodes ?? options.MaxEpisodes);
            var distributed = clusterHost is null ? null : new MetaNlp.Cluster.ClusterMetaGradient(ClusterJob.ClientOf(clusterHost), clusterJob!.ToJson());
            // Validation with many episodes is spread too; one fixed-support episode (DNNC) is scored here.
            string? validationJob = clusterHost is null || validationSampler is null or { DistinctEpisodes: 1 } ? null : ClusterEvaluationJob.Validation(clusterJob!).ToJson();
            var trainer = new MetaTrainer
            {
                OnWarning = message => Console.Error.WriteLine($"warning: {message}"),
                Gradients = distributed ?? (IMetaGradientSource)LocalMetaGradient.Instance,
                ValidationAccuracies = validationJob is null ? null : m => new MetaNlp.Cluster.ClusterEvaluation(ClusterJob.ClientOf(clusterHost!), m, validationJob),
            };
            using var metrics = new MetricsLog(output, savedRun?.State.Progress?.EpisodesDone ?? 0);
            using var interrupt = new InterruptSignal();
            TrainingResult trained;
            try
            {
                trained = Train();
            }
            catch (OperationCanceledException) when (interrupt.Arrived)
            {
                Console.Error.WriteLine($"interrupted: the state is saved in {output}; continue with: {Program.Name} train {ResumeArguments(output)}");
                return Interrupted;
            }

            TrainingResult Train() => ProgressDisplay.Run(asJson, "training", options.MaxEpisodes, report =>
            {
                bool plotting = true;
                trainer.OnProgress = e =>
                {
                    metrics.Record(e);
                    // The learning curves in the run folder are redrawn from the metrics at each validation (issue 22, item 3).
                    if (plotting && e.Validation is not null) plotting = Reports.LearningCurvePlot.TrySaveForRun(output, message => Console.Error.WriteLine($"warning: {message}"));
                    report(e.Episode, e.Validation is { } v ? $"val {v.Accuracy * 100:F1}%" : null);
                };
                if (saved is not null) return trainer.Resume(output, trainSampler, validationSampler, result.GetResult(maxEpisodes) is { Implicit: false } ? result.GetValue(maxEpisodes) : null, interrupt.Token);
                MetaTrainer.RefuseExistingRun(output);
                torch.manual_seed(runSeed);
                var fresh = FewShotModel.Create(spec);
                if (initial is not null)
                {
                    EncoderWarmStart.CopyEncoder(initial, fresh);
                    Console.Error.WriteLine($"note: the encoder starts from {initPath} ({initial.Spec.Training?.Dataset ?? "unknown data"}); the learner's own weights start fresh.");
                }
                // Not resumable on their own: a run killed in these stages has no training state yet and starts again.
                if (contrastive.UnlabeledEpochs > 0)
                {
                    var losses = ContrastiveTrainer.TrainUnlabeled(fresh.Embedder, sources.UnlabeledTexts, contrastive, runSeed,
                        (done, total, loss) => report(0, $"unlabeled {done}/{total} loss {loss:F3}"));
                    Console.Error.WriteLine($"unlabeled contrastive stage: {contrastive.UnlabeledEpochs} epochs over {sources.UnlabeledTexts.Count} texts, mean loss per epoch {Losses(losses)}");
                }
                if (contrastive.Epochs > 0)
                {
                    var losses = ContrastiveTrainer.Train(fresh.Embedder, sources.LabelledExamples, contrastive, runSeed,
                        (done, total, loss) => report(0, $"contrastive {done}/{total} loss {loss:F3}"));
                    Console.Error.WriteLine($"contrastive stage: {contrastive.Epochs} epochs, mean loss per epoch {Losses(losses)}");
                }
                return trainer.Train(fresh, options, trainSampler, validationSampler, output, info, interrupt.Token);
            });

            if (distributed is { Steps.Count: > 0 } d)
                Console.Error.WriteLine($"cluster: {d.Steps.Count} steps, {d.Steps.Average(st => st.Orders):F1} workers per step, {d.Steps.Average(st => st.BytesSent + st.BytesReceived) / 1e6:F2} MB sent and received per step, "
                    + $"{d.Steps.Average(st => st.Seconds):F3} s per step ({d.Steps.Average(st => st.MaxComputeSeconds):F3} s computing), {d.Steps.Sum(st => st.Reassigned)} tasks reassigned, {d.LostWorkers.Count} workers lost.");
            var progress = trained.Progress;
            var header = Checkpoint.ReadHeader(trained.ModelPath);
            if (asJson)
            {
                Output.Json(new JsonObject
                {
                    ["dataset"] = selected.Name,
                    ["algo"] = header.Spec.Algorithm,
                    ["encoder"] = header.Spec.Encoder.Kind,
                    ["ways"] = trainSampler.Ways,
                    ["shots"] = sources.Sampling.Shots,
                    ["queries"] = sources.Sampling.Queries,
                    ["episodes"] = progress.EpisodesDone,
                    ["train_seconds"] = Math.Round(progress.TrainSeconds, 3),
                    ["episodes_per_second"] = progress.TimedEpisodes > 0 ? Math.Round(trained.EpisodesPerSecond, 3) : null,
                    ["best_validation_accuracy"] = progress.BestValidationAccuracy is double best ? Output.Percent(best) : null,
                    ["best_episode"] = progress.BestEpisode,
                    ["stop_reason"] = progress.StopReason,
                    ["model"] = Path.GetFullPath(trained.ModelPath),
                    ["metrics"] = Path.GetFullPath(Path.Combine(output, MetricsLog.FileName)),
                    ["history"] = new JsonArray([.. progress.History.Select(p => (JsonNode)new JsonObject
                    {
                        ["episode"] = p.Episode,
                        ["train_loss"] = p.TrainLoss is double loss ? Math.Round(loss, 6) : null,
                        ["accuracy"] = Output.Percent(p.Accuracy),
                        ["ci95"] = Output.Percent(p.Ci95),
                    })]),
                    ["seconds"] = Math.Round(clock.Elapsed.TotalSeconds, 3),
                });
            }
            else
            {
                foreach (var point in progress.History)
                    Console.WriteLine($"episode {point.Episode,6}  train loss {(point.TrainLoss is double loss ? loss.ToString("F4", System.Globalization.CultureInfo.InvariantCulture) : "-"),8}  validation {point.Accuracy * 100,6:F2} +- {point.Ci95 * 100:F2}");
                Console.WriteLine($"Stopped: {progress.StopReason}.");
                Console.WriteLine(progress.TimedEpisodes > 0
                    ? $"Trained {progress.EpisodesDone} episodes at {trained.EpisodesPerSecond:F2} episodes/s."
                    : $"Trained {progress.EpisodesDone} episodes (too few after the warm-up to time).");
                Console.WriteLine($"Model: {trained.ModelPath}" + (progress.BestValidationAccuracy is double b ? $" (validation {b * 100:F2}% at episode {progress.BestEpisode})" : ""));
                Console.WriteLine($"Evaluate it: metanlp eval --model {trained.ModelPath}");
            }
            return 0;
        }));
        return command;
    }

    private static string Losses(IEnumerable<double> losses) => string.Join(", ", losses.Select(l => l.ToString("F4", System.Globalization.CultureInfo.InvariantCulture)));

    /// <summary>Exit code of a run stopped by Ctrl-C or SIGTERM with its state saved (128 + SIGINT, as shells report it).</summary>
    public const int Interrupted = 130;

    // The command line of this run with --out named and --resume added, quoted for a POSIX shell.
    private static string ResumeArguments(string output)
    {
        var args = Environment.GetCommandLineArgs().Skip(1).SkipWhile(a => a != "train").Skip(1).ToList();
        if (!args.Contains("--out")) args.AddRange(["--out", output]);
        if (!args.Contains("--resume")) args.Add("--resume");
        return string.Join(' ', args.Select(a => a.Length > 0 && a.All(c => char.IsAsciiLetterOrDigit(c) || "-_./=:,@%+".Contains(c)) ? a : "'" + a.Replace("'", "'\\''", StringComparison.Ordinal) + "'"));
    }

    // A resumed run keeps its episodes, so an episode shape given on the command line must be the saved one
    // (on a fixed-support dataset --shots picks the support file, which the spec comparison checks).
    private static void RefuseChangedEpisodes(ParseResult result, EpisodeOptions episodes, ResumePolicy saved)
    {
        var changed = saved.ChangedEpisodes(result.GetValue(episodes.Ways), result.GetValue(episodes.Shots), result.GetValue(episodes.Queries))
            .Select(c => $"--{c.Name}: the run has {c.Saved}, this command {c.Requested}")
            .ToList();
        if (changed.Count > 0)
            throw new ArgumentException($"--resume: the run was started with other episodes ({string.Join("; ", changed)}). Give the options it was started with, or another --out for a new run.");
    }

    // The options that choose the data, for a data field of the spec.
    private static string DataOptionOf(string path) => path switch
    {
        "training.dataset" => "--dataset/--dataset-file",
        "training.supportShots" => "--shots",
        "training.splitIndex" => "--split-index",
        "vocabulary" => "the training texts",
        _ => "--split/--train-classes/--val-classes/--test-classes",
    };
}
