using System.CommandLine;
using System.Text.Json.Nodes;
using MetaNlp.Algorithms;
using MetaNlp.Data;
using MetaNlp.Generation;
using MetaNlp.Training;
using MetaNlp.Workarounds;

namespace MetaNlp.Cli.Commands;

/// <summary>
/// <c>metanlp train --task-family translation|nlg|summarization</c>: meta-training of a generation model over a
/// family's tasks (docs/GENERATION.md). It reuses the train command's options where they mean the same thing
/// (--algo, --max-episodes as meta-steps, --meta-batch as tasks per step, --shots and --queries as support and query
/// pairs per task, --lr, --outer-optimizer, --inner-lr, --inner-steps, --embedding-dim, --layers, --heads,
/// --checkpoint-every, --out, --resume, --seed); the library does the work (<see cref="GenerationRun"/>).
/// </summary>
internal sealed class GenerationTraining
{
    public Option<string?> Family { get; } = new Option<string?>("--task-family")
    {
        Description = $"Train a text generation model over a family of tasks instead of a classifier: {string.Join(", ", GenerationTaskSets.Names)} (docs/GENERATION.md).",
    }.AcceptOnlyFromAmong([.. GenerationTaskSets.Names]);

    public Option<string?> Tasks { get; } = new("--tasks") { Description = "With --task-family: comma-separated task names to meta-train on (e.g. deu-eng,fra-eng). Default: all of the family's tasks." };

    public Option<int> Merges { get; } = CliOptions.Positive<int>("--merges", "With --task-family: BPE merges learned from the meta-training texts, 1 to 1,000,000. Default: 4,000 for nlg, 2,000 otherwise.", 2000);

    public Option<bool> Lexicalized { get; } = new("--lexicalized")
    {
        Description = "With --task-family nlg: read and write slot values as they are. By default an NLG model reads and writes them as numbered placeholders and puts the values back after generating (delexicalised; docs/GENERATION.md).",
    };

    /// <summary>The algorithms a generation run takes through --algo.</summary>
    public static readonly IReadOnlyDictionary<string, GenerationMetaAlgorithm> Algorithms = new Dictionary<string, GenerationMetaAlgorithm>(StringComparer.Ordinal)
    {
        [Maml.FirstOrderName] = GenerationMetaAlgorithm.Fomaml,
        [Maml.Name] = GenerationMetaAlgorithm.Maml,
        [Reptile.Name] = GenerationMetaAlgorithm.Reptile,
    };

    /// <summary>The options of the train command this branch reads, besides its own.</summary>
    public sealed record Shared(
        DataSelection Data, ModelOptions Model, EpisodeOptions Episodes, Option<int> MaxEpisodes, Option<int> MetaBatch, Option<double> Lr, Option<string> OuterOptimizer,
        Option<int> CheckpointEvery, Option<string?> Out, Option<bool> Resume, Option<int> Seed, Option<int> Threads, Option<bool> Json);

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Family, Tasks, Merges, Lexicalized }) command.Options.Add(option);
    }

    public bool IsGiven(ParseResult result) => result.GetValue(Family) is not null;

    public int Run(ParseResult result, Shared o)
    {
        NativeThreads.SetThreads(result.GetValue(o.Threads));
        var family = GenerationTaskSets.Parse(result.GetValue(Family)!);
        foreach (var option in new Option[] { o.Data.Dataset, o.Data.DatasetFile, o.Model.Encoder })
            if (result.GetResult(option) is { Implicit: false })
                throw new ArgumentException($"{option.Name} does not apply with --task-family (a generation run reads the family's tasks; choose them with --tasks).");
        var algoName = result.GetValue(o.Model.Algorithm) ?? Maml.FirstOrderName;
        if (!Algorithms.TryGetValue(algoName, out var algorithm))
            throw new ArgumentException($"--algo {algoName}: a generation run takes {string.Join(", ", Algorithms.Keys)}.");
        var output = result.GetValue(o.Out) ?? Path.Combine("runs", $"gen-{result.GetValue(Family)}-{algoName}");
        var path = Path.Combine(output, "model.safetensors");
        var resume = result.GetValue(o.Resume);
        GenerationModel? saved = null;
        GenerationRunState? state = null;
        if (result.GetValue(Lexicalized) && family != GenerationTaskFamily.Nlg)
            throw new ArgumentException("--lexicalized applies to --task-family nlg only.");
        if (File.Exists(path))
        {
            if (!resume) throw new ArgumentException($"--out: '{output}' already holds a generation run; add --resume to continue it, or give another --out.");
            (saved, state) = GenerationModel.Load(path);
            if (state is null) throw new ArgumentException($"--resume: '{path}' is a generation model with no run state to continue.");
            if (saved.Family != family) throw new ArgumentException($"--task-family: the run in '{output}' is {saved.Family.ToString().ToLowerInvariant()}, not {result.GetValue(Family)}.");
            if (result.GetValue(Lexicalized) && saved.Delexicalized)
                throw new ArgumentException($"--lexicalized: the run in '{output}' is delexicalised; a resumed run keeps how it reads values.");
        }
        else if (resume) Console.Error.WriteLine($"note: nothing to resume in {output}; starting a new run.");

        var dataDir = DataDirectory.Resolve(result.GetValue(o.Data.DataDir));
        var names = result.GetValue(Tasks)?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var tasks = GenerationTaskSets.Select(GenerationTaskSets.MetaTraining(family, dataDir), names ?? (IReadOnlyList<string>?)state?.Tasks);

        T Pick<T>(Option<T> option, T fresh, Func<GenerationRunOptions, T> savedValue) =>
            result.GetResult(option) is { Implicit: false } ? result.GetValue(option)! : state is null ? fresh : savedValue(state.Options);
        T PickNullable<T>(Option<T?> option, T fresh, Func<GenerationRunOptions, T> savedValue) where T : struct =>
            result.GetValue(option) is T given ? given : state is null ? fresh : savedValue(state.Options);
        var defaults = new GenerationMetaOptions();
        var outer = Pick(o.OuterOptimizer, defaults.OuterOptimizer, s => s.Meta.OuterOptimizer);
        // The rate's default follows the rule: Adam's 1e-3, or the 0.5 that the SGD runs used.
        var outerRate = Pick(o.Lr, outer == GenerationMetaOptions.Adam ? defaults.OuterLearningRate : 0.5, s => s.Meta.OuterLearningRate);
        var options = new GenerationRunOptions
        {
            Steps = Pick(o.MaxEpisodes, 1000, s => s.Steps),
            CheckpointEvery = Pick(o.CheckpointEvery, 100, s => s.CheckpointEvery),
            Seed = Pick(o.Seed, 42, s => s.Seed),
            Meta = new GenerationMetaOptions
            {
                Algorithm = result.GetValue(o.Model.Algorithm) is null && state is not null ? state.Options.Meta.Algorithm : algorithm,
                TasksPerStep = Pick(o.MetaBatch, 4, s => s.Meta.TasksPerStep),
                OuterOptimizer = outer,
                OuterLearningRate = outerRate,
                InnerLearningRate = Pick(o.Model.InnerLr, defaults.InnerLearningRate, s => s.Meta.InnerLearningRate),
                InnerSteps = Pick(o.Model.InnerSteps, defaults.InnerSteps, s => s.Meta.InnerSteps),
                SupportSize = PickNullable(o.Episodes.Shots, 16, s => s.Meta.SupportSize),
                QuerySize = PickNullable(o.Episodes.Queries, 16, s => s.Meta.QuerySize),
            },
        };
        options.Validate();

        GenerationModel model;
        if (saved is not null)
        {
            model = saved;
            Console.Error.WriteLine($"Resuming the run in {output} at step {state!.StepsDone} of {options.Steps}.");
        }
        else
        {
            // What the options leave open comes from the family's measured recipe (the library's GenerationRecipe).
            var recipe = GenerationRecipe.For(family);
            var delexicalize = recipe.Delexicalize && !result.GetValue(Lexicalized);
            var vocabulary = BpeTrainer.Train(tasks.SelectMany(t => t.Pairs).Select(p => GenerationModel.PreparePair(family, delexicalize, p)).SelectMany(p => new[] { p.Source, p.Target }),
                new BpeTrainerOptions { MergeCount = CliOptions.Given(result, Merges, recipe.MergeCount), LowerCase = true });
            var sizes = recipe.Sizes(
                CliOptions.Given(result, o.Model.EmbeddingDim, recipe.ModelDim),
                CliOptions.Given(result, o.Model.Heads, GenerationRecipe.Heads),
                CliOptions.Given(result, o.Model.Layers, GenerationRecipe.Layers));
            model = GenerationModel.Create(vocabulary, sizes, family, options.Seed, delexicalize);
            Console.Error.WriteLine($"note: {tasks.Count} tasks, {tasks.Sum(t => t.Pairs.Count)} pairs; BPE vocabulary of {vocabulary.Count} ids (lower-cased) learned from them.");
        }
        // Targets are cut by the trainer; a task needs support + query pairs for a step, so smaller tasks are left out.
        var encoded = tasks.Select(t => (t.Name, Pairs: model.Encode(t.Pairs))).ToList();
        var needed = options.Meta.SupportSize + (options.Meta.Algorithm == GenerationMetaAlgorithm.Reptile ? 0 : options.Meta.QuerySize);
        var small = encoded.Where(t => t.Pairs.Count < needed).Select(t => t.Name).ToList();
        if (small.Count > 0)
            throw new ArgumentException($"--shots/--queries: tasks {string.Join(", ", small)} have fewer than {needed} pairs; lower them or leave the tasks out with --tasks.");

        using var interrupt = new InterruptSignal();
        bool asJson = result.GetValue(o.Json);
        GenerationRunState done;
        try
        {
            done = GenerationRun.Train(model, [.. encoded.Select(t => (t.Name, t.Pairs))], options, path, state,
                (step, loss) =>
                {
                    if (!asJson && (step % 50 == 0 || step == options.Steps)) Console.Error.WriteLine($"step {step}/{options.Steps}: loss {loss:F4}");
                }, interrupt.Token);
        }
        catch (OperationCanceledException) when (interrupt.Arrived)
        {
            Console.Error.WriteLine($"interrupted: the state is saved in {path}; continue with --out {output} --resume.");
            return TrainCommand.Interrupted;
        }
        if (asJson)
        {
            Output.Json(new JsonObject
            {
                ["task_family"] = result.GetValue(Family),
                ["algo"] = options.Meta.Algorithm.ToString().ToLowerInvariant(),
                ["tasks"] = new JsonArray([.. done.Tasks.Select(t => (JsonNode?)t)]),
                ["steps"] = done.StepsDone,
                ["train_seconds"] = Math.Round(done.TrainSeconds, 3),
                ["last_loss"] = done.LastLoss is double l ? Math.Round(l, 6) : null,
                ["vocabulary"] = model.Vocabulary.Count,
                ["delexicalized"] = model.Delexicalized,
                ["model"] = Path.GetFullPath(path),
            });
        }
        else
        {
            Console.WriteLine($"Trained {done.StepsDone} meta-steps ({options.Meta.Algorithm}) over {done.Tasks.Count} tasks in {done.TrainSeconds:F0} s; last loss {done.LastLoss:F4}.");
            Console.WriteLine($"Model: {path}");
            Console.WriteLine($"Generate with it: {Program.Name} generate --model {path} --support SUPPORT.jsonl --text \"...\"");
        }
        return 0;
    }
}
