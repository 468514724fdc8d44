// A short measured run of meta-training over translation tasks (docs/GENERATION.md, docs/BENCHMARKS.md):
//   dotnet run -c Release --project bench/generation-meta -- STEPS ALGORITHM
// Tatoeba X→English pairs: BPE learned from the meta-training pairs only; the 3 held-out pairs are never seen by the
// vocabulary or the meta-training. Prints the adapted query loss on the held-out pairs (support 50, query 50, after
// 5 inner SGD steps) from the initial weights and after meta-training, the wall time, and the process's peak memory.
using System.Diagnostics;
using MetaNlp.Generation;
using static TorchSharp.torch;

var steps = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 200;
var algorithm = args.Length > 1 ? Enum.Parse<GenerationMetaAlgorithm>(args[1], ignoreCase: true) : GenerationMetaAlgorithm.Fomaml;
set_num_threads(1);
var data = Environment.GetEnvironmentVariable("METANLP_DATA") ?? throw new InvalidOperationException("set METANLP_DATA");
string[] heldOut = ["ron-eng", "lvs-eng", "fin-eng"];
string[] metaTrain = ["deu-eng", "fra-eng", "spa-eng", "ita-eng", "por-eng", "nld-eng", "swe-eng", "dan-eng", "pol-eng", "ces-eng", "hun-eng", "est-eng"];
var all = TranslationTasks.Tatoeba(data).ToDictionary(t => t.Name);
var clock = Stopwatch.StartNew();
var recipe = GenerationRecipe.For(GenerationTaskFamily.Translation); // width 64, 2,000 merges
var bpe = BpeTrainer.Train(metaTrain.SelectMany(n => all[n].Pairs).SelectMany(p => new[] { p.Source, p.Target }), new BpeTrainerOptions { MergeCount = recipe.MergeCount, LowerCase = true });
Console.WriteLine($"bpe: {bpe.Count} ids in {clock.Elapsed.TotalSeconds:F1} s");
List<EncodedPair> Encode(GenerationTask task) =>
    [.. task.Pairs.Select(p => new EncodedPair(bpe.Encode(p.Source), bpe.Encode(p.Target))).Where(p => p.Source.Length is > 0 and <= 40 && p.Target.Length <= 40)];
var trainTasks = metaTrain.Select(n => (IReadOnlyList<EncodedPair>)Encode(all[n])).ToList();
var testTasks = heldOut.Select(n => (IReadOnlyList<EncodedPair>)Encode(all[n])).ToList();
var model = new Seq2SeqTransformer(recipe.Sizes() with { VocabularySize = bpe.Count });
var weights = model.InitialWeights(seed: 1);
var evalOptions = new GenerationMetaOptions { SupportSize = 50, QuerySize = 50, InnerSteps = 5, InnerLearningRate = 0.1 };
Console.WriteLine($"held-out adapted query loss, initial weights: {GenerationMetaTrainer.AdaptedQueryLoss(model, weights, testTasks, evalOptions):F4}");
var options = new GenerationMetaOptions { Algorithm = algorithm, TasksPerStep = 4, SupportSize = 16, QuerySize = 16, InnerSteps = 1, InnerLearningRate = 0.1, OuterOptimizer = GenerationMetaOptions.Sgd, OuterLearningRate = 0.5 };
var random = new Random(1);
clock.Restart();
for (var step = 1; step <= steps; step++)
{
    var loss = GenerationMetaTrainer.Step(model, weights, trainTasks, options, random);
    if (step % 50 == 0) Console.WriteLine($"step {step}: meta loss {loss:F4}, {clock.Elapsed.TotalSeconds:F0} s, peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576} MiB");
}
Console.WriteLine($"{algorithm} {steps} steps: {clock.Elapsed.TotalSeconds:F0} s");
Console.WriteLine($"held-out adapted query loss, meta-trained: {GenerationMetaTrainer.AdaptedQueryLoss(model, weights, testTasks, evalOptions):F4}");
