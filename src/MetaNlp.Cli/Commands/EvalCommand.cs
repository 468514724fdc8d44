using System.CommandLine;
using System.Diagnostics;
using System.Text.Json.Nodes;
using MetaNlp.Data;
using MetaNlp.Evaluation;
using MetaNlp.Models;
using MetaNlp.Workarounds;
using TorchSharp;

namespace MetaNlp.Cli.Commands;

/// <summary>
/// <c>metanlp eval</c>: a trained model (or an untrained learner, as a floor) on a benchmark's protocol: episodes
/// with mean +- 95% CI, a fixed support set against the whole test set (DNNC), or the 12 ARSC target tasks.
/// </summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var modelPath = new Option<string?>("--model") { Description = "Checkpoint made by `metanlp train` (DIR/model.ckpt), or minilm: the pretrained encoder, frozen, with cosine prototypes." };
        var data = new DataSelection();
        var model = new ModelOptions();
        var episodes = new EpisodeOptions();
        var count = new Option<int?>("--episodes") { Description = "Test episodes. Default: the benchmark's (1,000; 600 for intent splits)." };
        var classesOption = new Option<string>("--classes") { Description = "Which classes to draw episodes from: test, val, train, or all (cross-domain).", DefaultValueFactory = _ => "test" }
            .AcceptOnlyFromAmong("test", "val", "train", "all");
        var seed = CliOptions.Seed(2024);
        var threads = CliOptions.Threads();
        var hiddenCacheMb = CliOptions.HiddenCacheMegabytes();
        var hiddenCacheFloat16 = CliOptions.HiddenCacheFloat16();
        var json = CliOptions.Json();
        var cluster = new Option<string?>("--cluster") { Description = "Score the test episodes on the workers of this cluster (configuration file; docs/CLUSTER.md); this process coordinates. Episodic protocols only." };
        var allSplits = new Option<bool>("--all-splits") { Description = "FewCLUE tasks: evaluate on each of the 5 fixed splits and report the mean and standard deviation; --model names one model per split with {split} (1-5) in its path, or is left out for the untrained floor." };

        var command = new Command("eval", "Evaluate a model (or an untrained learner) on a benchmark protocol.");
        command.Options.Add(modelPath);
        data.AddTo(command);
        model.AddTo(command);
        episodes.AddTo(command);
        foreach (var option in new Option[] { count, classesOption, seed, threads, hiddenCacheMb, hiddenCacheFloat16, json, allSplits, cluster }) command.Options.Add(option);

        command.SetAction(result => CommandRunner.Run(() =>
        {
            var clock = Stopwatch.StartNew();
            NativeThreads.SetThreads(result.GetValue(threads));
            CliOptions.ApplyHiddenCache(result, hiddenCacheMb, hiddenCacheFloat16);
            bool asJson = result.GetValue(json);
            string? path = result.GetValue(modelPath);
            if (path is not null) model.RefuseWithSavedModel(result, "--model");
            // A bad cluster file is refused before any data is read.
            var clusterConfig = result.GetValue(cluster) is { } clusterPath ? MetaNlp.Cluster.ClusterConfig.Load(clusterPath) : null;
            if (result.GetValue(allSplits))
            {
                if (clusterConfig is not null) throw new ArgumentException("--all-splits evaluates each FewCLUE split's fixed support set in this process; leave out --cluster.");
                var splitsReport = new JsonObject { ["dataset"] = result.GetValue(data.Dataset), ["model"] = path, ["protocol"] = "FewClue" };
                FewClueSplitsEval.Run(result.GetValue(data.Dataset) ?? throw new ArgumentException("--all-splits needs --dataset fewclue-TASK."),
                    DataDirectory.Resolve(result.GetValue(data.DataDir)), path, s => UntrainedModel(result, model, episodes, s, s.ForProtocol(), result.GetValue(seed)), asJson, splitsReport);
                splitsReport["seconds"] = Math.Round(clock.Elapsed.TotalSeconds, 3);
                if (asJson) Output.Json(splitsReport);
                return 0;
            }
            FewShotModel? trained = path is null ? null : PretrainedModels.Load(path);
            // A model fine-tuned on a fixed support set (DNNC train_10) is evaluated with that set unless --shots says otherwise.
            int? shots = result.GetValue(episodes.Shots) ?? trained?.Spec.Training?.SupportShots;
            int splitIndex = SplitIndex(result, data, trained);
            SelectedData selected = LoadData(result, data, trained, shots, splitIndex);
            var protocolData = selected.ForProtocol();
            var fewShot = trained ?? UntrainedModel(result, model, episodes, selected, protocolData, result.GetValue(seed));
            var report = new JsonObject
            {
                ["dataset"] = selected.Name,
                ["algo"] = fewShot.Spec.Algorithm,
                ["encoder"] = fewShot.Spec.Encoder.Kind,
                ["model"] = path is null ? null : File.Exists(path) ? Path.GetFullPath(path) : path,
                ["protocol"] = protocolData.Kind.ToString(),
            };
            string classes = result.GetValue(classesOption)!;
            var options = new ProtocolEvaluationOptions
            {
                Sampling = protocolData.Parts is EpisodicParts ? episodes.Read(result, selected.Registry?.Protocol, fewShot.Spec.Training?.Episodes) : null,
                Episodes = result.GetValue(count),
                Classes = classes switch { "train" => ClassPool.Train, "val" => ClassPool.Validation, "all" => ClassPool.All, _ => ClassPool.Test },
                Seed = result.GetValue(seed),
            };
            if (clusterConfig is not null && protocolData.Parts is not EpisodicParts)
                throw new ArgumentException($"--cluster spreads sampled test episodes over workers; '{selected.Name}' is evaluated by its {protocolData.Kind} protocol on fixed support sets, in one process: leave out --cluster.");
            using var clusterHost = clusterConfig is null ? null : ClusterJob.Connect(clusterConfig);
            MetaNlp.Cluster.ClusterEvaluation? distributed = null;
            if (clusterHost is not null)
            {
                var (test, _) = ProtocolEvaluator.EpisodicTest(protocolData, options);
                var job = new ClusterEvaluationJob(EvaluationDataArguments(result, data, selected.Name, splitIndex), shots, [.. test.Classes], test.Options, options.Seed);
                distributed = new MetaNlp.Cluster.ClusterEvaluation(ClusterJob.ClientOf(clusterHost), fewShot, job.ToJson());
                options = options with { EpisodeAccuracies = distributed };
            }
            var evaluated = ProgressDisplay.RunStages(asJson, progress => ProtocolEvaluator.Evaluate(fewShot.Learner, protocolData, options with { OnProgress = progress }));
            if (distributed?.Stats is { } stats)
            {
                Console.Error.WriteLine($"cluster: {stats.Episodes} episodes on {stats.Workers} workers in {stats.Orders} orders ({stats.Reassigned} reassigned), " +
                    $"{stats.BytesSent / 1e6:F2} MB sent, {stats.BytesReceived / 1e3:F1} kB received, {stats.Seconds:F1} s");
                report["cluster"] = new JsonObject
                {
                    ["workers"] = stats.Workers,
                    ["orders"] = stats.Orders,
                    ["reassigned"] = stats.Reassigned,
                    ["lost_workers"] = new JsonArray([.. distributed.LostWorkers.Select(w => (JsonNode?)w)]),
                    ["bytes_sent"] = stats.BytesSent,
                    ["bytes_received"] = stats.BytesReceived,
                };
            }
            switch (evaluated)
            {
                case EpisodicReport episodic:
                    Report(episodic, classes, asJson, report);
                    break;
                case AllClassesReport all:
                    Report(all, asJson, report);
                    break;
                case ArscReport arsc:
                    Report(arsc, asJson, report);
                    break;
                default:
                    throw new NotSupportedException($"Printing a {evaluated.GetType().Name} is not built yet.");
            }
            report["seconds"] = Math.Round(clock.Elapsed.TotalSeconds, 3);
            if (asJson) Output.Json(report);
            return 0;
        }));
        return command;
    }

    // A model fine-tuned on one split's support set (FewCLUE train_k) is evaluated with it unless --split-index says otherwise.
    private static int SplitIndex(ParseResult result, DataSelection data, FewShotModel? trained) =>
        result.GetResult(data.SplitIndex) is { Implicit: false } ? result.GetValue(data.SplitIndex) : trained?.Spec.Training?.SplitIndex ?? result.GetValue(data.SplitIndex);

    private static SelectedData LoadData(ParseResult result, DataSelection data, FewShotModel? trained, int? shots, int splitIndex)
    {
        if (data.IsGiven(result)) return data.Load(result, shots, splitIndex);
        string? name = trained?.Spec.Training?.Dataset;
        if (name is null || !DatasetRegistry.TryGet(name, out var info))
            throw new ArgumentException("Say which data to evaluate on: --dataset NAME or --dataset-file FILE" + (name is null ? "." : $" (the model was trained on '{name}', which is not a registry dataset)."));
        var loaded = info.Load(DataDirectory.Resolve(result.GetValue(data.DataDir)), new DatasetLoadOptions { SplitIndex = splitIndex, Shots = shots });
        return new SelectedData(name, loaded.Dataset, trained?.Spec.Training?.Split ?? loaded.Split, loaded);
    }

    // The data options a worker reads the same data with: those given (or the model's dataset), with the split index resolved here.
    private static string[] EvaluationDataArguments(ParseResult result, DataSelection data, string name, int splitIndex)
    {
        string[] given = data.IsGiven(result) ? ClusterJob.DataArguments(result, data) : ["--dataset", name];
        var kept = new List<string>();
        for (int i = 0; i < given.Length; i++)
        {
            if (given[i] == data.SplitIndex.Name) i++;
            else kept.Add(given[i]);
        }
        return [.. kept, data.SplitIndex.Name, splitIndex.ToString(System.Globalization.CultureInfo.InvariantCulture)];
    }

    // No checkpoint: a fresh learner whose vocabulary comes from the training classes (or the support set), the
    // floor every trained model should beat.
    private static FewShotModel UntrainedModel(ParseResult result, ModelOptions model, EpisodeOptions episodes, SelectedData selected, ProtocolData data, int seed)
    {
        var vocabularySource = data.VocabularyExamples();
        torch.manual_seed(seed);
        var recipe = model.Recipe(result, selected, episodes.Read(result, selected.Registry?.Protocol).Shots);
        var encoder = model.ReadEncoder(result, recipe);
        // Nothing is trained here, so the recipe's trained layers would only slow the encoder down (a frozen one caches each text's vector).
        if (result.GetResult(model.FineTuneLayers) is null or { Implicit: true }) encoder = encoder with { FineTuneLayers = 0 };
        var spec = FewShotModel.NewSpec(model.ReadAlgorithm(result, recipe), model.AlgorithmOptions(result, recipe), encoder, vocabularySource.Select(e => e.Text), model.ReadTokenizerOptions(result, recipe));
        spec = spec with { LabelTexts = model.ReadLabelTexts(result, recipe, selected) };
        Console.Error.WriteLine($"note: no --model given, so this evaluates an untrained {spec.Algorithm} over the {encoder.Kind} encoder (a floor for trained models).");
        return FewShotModel.Create(spec);
    }

    private static void Report(EpisodicReport r, string classes, bool asJson, JsonObject report)
    {
        if (r.Note is not null) Console.Error.WriteLine($"note: {r.Note}");
        var evaluation = r.Result;
        report["classes"] = classes;
        report["ways"] = r.EpisodeWays;
        report["shots"] = r.Sampling.Shots;
        report["queries"] = r.Sampling.Queries;
        report["episodes"] = r.Episodes;
        report["accuracy"] = Output.Percent(evaluation.Accuracy.Mean);
        report["ci95"] = Output.Percent(evaluation.Accuracy.Ci95);
        report["episodes_per_second"] = Math.Round(evaluation.EpisodesPerSecond, 3);
        if (!asJson)
            Console.WriteLine($"{r.Dataset} ({classes} classes), {r.EpisodeWays}-way {r.Sampling.Shots}-shot, {r.Sampling.Queries} queries, {r.Episodes} episodes: " +
                $"accuracy {evaluation.Accuracy} % ({evaluation.EpisodesPerSecond:F1} episodes/s)");
    }

    private static void Report(AllClassesReport all, bool asJson, JsonObject report)
    {
        var r = all.Result;
        report["ways"] = r.Classes;
        report["shots"] = r.ShotsPerClass;
        report["support"] = all.Parts.Support;
        report["queries"] = r.QuerySize;
        report["episodes"] = 1;
        report["accuracy"] = Output.Percent(r.Accuracy.Mean);
        report["ci95"] = Output.Percent(r.Accuracy.Ci95);
        report["balanced_accuracy"] = Output.Percent(r.BalancedAccuracy);
        report["macro_f1"] = Output.Percent(r.Confusion.MacroF1);
        report["per_class"] = new JsonArray([.. r.Confusion.PerClass().Select(s => (JsonNode)new JsonObject
        {
            ["label"] = s.Label,
            ["precision"] = Output.Percent(s.Precision),
            ["recall"] = Output.Percent(s.Recall),
            ["f1"] = Output.Percent(s.F1),
            ["support"] = s.Support,
        })]);
        report["confusion"] = new JsonObject
        {
            ["labels"] = new JsonArray([.. r.Confusion.Labels.Select(l => (JsonNode?)l)]),
            ["rows"] = new JsonArray([.. r.Confusion.Rows().Select(row => (JsonNode)new JsonArray([.. row.Select(c => (JsonNode?)c)]))]),
        };
        if (!asJson)
            Console.WriteLine($"{all.Dataset}: support {all.Parts.Support} ({r.SupportSize} examples, {r.Classes} classes), {r.QuerySize} queries: " +
                $"accuracy {r.Accuracy} %, balanced {r.BalancedAccuracy * 100:F2} %, macro F1 {r.Confusion.MacroF1 * 100:F2} % (per class: --json)");
        if (all.OutOfScope is not { } oos || all.Parts.OutOfScope is not { } parts) return;
        report["out_of_scope"] = new JsonObject
        {
            ["threshold"] = Math.Round(oos.Threshold, 6),
            ["validation_accuracy"] = Output.Percent(oos.ValidationAccuracy),
            ["in_scope_accuracy"] = Output.Percent(oos.InScopeAccuracy),
            ["oos_recall"] = Output.Percent(oos.OutOfScopeRecall),
            ["joint_accuracy"] = Output.Percent(oos.JointAccuracy),
            ["in_scope_queries"] = oos.InScopeQueries,
            ["oos_queries"] = oos.OutOfScopeQueries,
        };
        if (!asJson)
            Console.WriteLine($"out of scope: threshold {oos.Threshold:F4} (chosen on {parts.InScopeValidation} + {parts.Validation}): in-scope accuracy {oos.InScopeAccuracy * 100:F2} %, " +
                $"oos recall {oos.OutOfScopeRecall * 100:F2} % ({oos.OutOfScopeQueries} oos queries), joint {oos.JointAccuracy * 100:F2} %");
    }

    private static void Report(ArscReport arsc, bool asJson, JsonObject report)
    {
        var result = arsc.Result;
        var perTask = new JsonArray();
        foreach (var r in result.Tasks)
        {
            perTask.Add(new JsonObject { ["task"] = r.Task, ["accuracy"] = Output.Percent(r.Accuracy), ["balanced_accuracy"] = Output.Percent(r.BalancedAccuracy), ["queries"] = r.Queries });
            if (!asJson) Console.WriteLine($"{r.Task,-28} accuracy {r.Accuracy * 100,6:F2}  balanced {r.BalancedAccuracy * 100,6:F2}  ({r.Queries} queries)");
        }
        report["ways"] = arsc.Ways;
        report["shots"] = arsc.Shots;
        report["episodes"] = arsc.Episodes;
        report["accuracy"] = Output.Percent(result.Accuracy.Mean);
        report["ci95"] = Output.Percent(result.Accuracy.Ci95);
        report["balanced_accuracy"] = Output.Percent(result.BalancedAccuracy);
        report["tasks"] = perTask;
        if (!asJson) Console.WriteLine($"mean of {result.Tasks.Count} tasks: accuracy {result.Accuracy} %, balanced {result.BalancedAccuracy * 100:F2} %");
    }
}
