// Held-out translation at K support pairs (issue 23; docs/GENERATION.md, docs/BENCHMARKS.md). Usage (bench/generation-k/run):
//   generation-k OUT_DIR META_STEPS ADAPT_STEPS TEST_PAIRS K[,K...] [sgd|adam] [ADAPT_LR] [OUTER: sgd|adam]
// Tatoeba X→English. BPE (2,000 merges, lower-cased) from the meta-training pairs only. Three start weights, each
// adapted by the same GenerationAdapter call (same steps, batch, rule and rate) on the first K pairs of each held-out
// pair and scored on its last TEST_PAIRS pairs (greedy decoding; BLEU and chrF on lower-cased references):
//   meta:     FOMAML over the meta-training pairs for META_STEPS steps;
//   transfer: multi-task SGD over the same pairs for the same steps, reading the same examples per step;
//   scratch:  the initial weights (same seed, same size).
// The trained models are saved in OUT_DIR and resumed/reused when the script runs again (GenerationRun).
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MetaNlp.Functional;
using MetaNlp.Generation;
using static TorchSharp.torch;

var invariant = CultureInfo.InvariantCulture;
if (args.Length < 5) throw new ArgumentException("usage: generation-k OUT_DIR META_STEPS ADAPT_STEPS TEST_PAIRS K[,K...] [sgd|adam] [ADAPT_LR] [OUTER: sgd|adam]");
var outDir = args[0];
var metaSteps = int.Parse(args[1], invariant);
var adaptSteps = int.Parse(args[2], invariant);
var testCount = int.Parse(args[3], invariant);
var ks = args[4].Split(',').Select(k => int.Parse(k, invariant)).ToArray();
var rule = args.Length > 5 ? args[5] : "sgd";
var adaptRate = args.Length > 6 ? double.Parse(args[6], invariant) : rule == "adam" ? 1e-3 : 0.1;
// The outer rule of meta-training and transfer: SGD at 0.5 (the documented runs) or Adam at 1e-3 (the library default).
var outer = args.Length > 7 ? args[7] : GenerationMetaOptions.Sgd;
set_num_threads(1);
Directory.CreateDirectory(outDir);
var data = Environment.GetEnvironmentVariable("METANLP_DATA") ?? throw new InvalidOperationException("set METANLP_DATA");
string[] heldOut = ["ron-eng", "lvs-eng", "fin-eng"];
string[] metaTrain = ["deu-eng", "fra-eng", "spa-eng", "ita-eng", "por-eng", "nld-eng", "swe-eng", "dan-eng", "pol-eng", "ces-eng", "hun-eng", "est-eng",
    "slk-eng", "hrv-eng", "lit-eng", "cat-eng", "glg-eng", "isl-eng", "nob-eng", "tur-eng"];
var all = TranslationTasks.Tatoeba(data).ToDictionary(t => t.Name);
// The translation family's recipe: width 64, 2,000 merges (what `metanlp train --task-family translation` uses).
var recipe = GenerationRecipe.For(GenerationTaskFamily.Translation);
var clock = Stopwatch.StartNew();
// A rerun takes the vocabulary from a model saved by an earlier run (the same BPE: learning it is deterministic).
var savedPath = Path.Combine(outDir, "fomaml.safetensors");
var bpe = File.Exists(savedPath) ? GenerationModel.Load(savedPath).Model.Vocabulary
    : BpeTrainer.Train(metaTrain.SelectMany(n => all[n].Pairs).SelectMany(p => new[] { p.Source, p.Target }), new BpeTrainerOptions { MergeCount = recipe.MergeCount, LowerCase = true });
Console.WriteLine($"bpe: {bpe.Count} ids from {metaTrain.Length} pairs in {clock.Elapsed.TotalSeconds:F1} s");
var sizes = recipe.Sizes();
var meta = new GenerationMetaOptions { TasksPerStep = 4, SupportSize = 16, QuerySize = 16, InnerSteps = 1, InnerLearningRate = 0.1, OuterOptimizer = outer, OuterLearningRate = outer == GenerationMetaOptions.Adam ? 1e-3 : 0.5 };

GenerationModel Trained(string name, GenerationMetaAlgorithm algorithm)
{
    var path = Path.Combine(outDir, $"{name}.safetensors");
    var options = new GenerationRunOptions { Steps = metaSteps, CheckpointEvery = 10, Seed = 1, Meta = meta with { Algorithm = algorithm } };
    GenerationModel model;
    GenerationRunState? state = null;
    if (File.Exists(path)) (model, state) = GenerationModel.Load(path);
    else model = GenerationModel.Create(bpe, sizes, GenerationTaskFamily.Translation, seed: 1);
    if (state is { } s && s.StepsDone >= metaSteps)
    {
        Console.WriteLine($"{name}: reusing {path} ({s.StepsDone} steps, {s.TrainSeconds:F0} s)");
        return model;
    }
    // Pairs longer than 40 subwords either side are left out of meta-training (as in bench/generation-meta).
    var tasks = metaTrain.Select(n => (n, (IReadOnlyList<EncodedPair>)[.. model.Encode(all[n].Pairs).Where(p => p.Source.Length <= 40 && p.Target.Length <= 40)])).ToList();
    var done = GenerationRun.Train(model, tasks, options, path, state, (step, loss) =>
    {
        if (step % 10 == 0) Console.WriteLine($"{name} step {step}: loss {loss:F4}, peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576} MiB");
    });
    Console.WriteLine($"{name}: {done.StepsDone} steps in {done.TrainSeconds:F0} s");
    return model;
}

var starts = new List<(string Name, GenerationModel Model)>
{
    ("meta (fomaml)", Trained("fomaml", GenerationMetaAlgorithm.Fomaml)),
    ("transfer (multi-task)", Trained("multitask", GenerationMetaAlgorithm.MultiTask)),
    ("scratch", GenerationModel.Create(bpe, sizes, GenerationTaskFamily.Translation, seed: 1)),
};
var adaptation = new GenerationAdaptationOptions { Steps = adaptSteps, BatchSize = 16, LearningRate = adaptRate, Optimizer = rule };
var decoding = new GenerationDecodeOptions { Beam = 1, MaxLength = 48 };
Console.WriteLine($"adaptation: {adaptSteps} {rule} steps at {adaptRate.ToString(invariant)}, batch 16; test: last {testCount} pairs of each held-out pair, greedy");
var rows = new List<Dictionary<string, object>>();
foreach (var k in ks)
    foreach (var (name, model) in starts)
    {
        double bleu = 0, chrF = 0;
        foreach (var task in heldOut.Select(n => all[n]))
        {
            var timer = Stopwatch.StartNew();
            var support = task.Pairs.Take(k).ToList();
            var test = task.Pairs.TakeLast(testCount).ToList();
            var result = GenerationEvaluator.AdaptAndEvaluate(model, support, test, adaptation, decoding);
            bleu += result.Scores.Bleu / heldOut.Length;
            chrF += result.Scores.ChrF / heldOut.Length;
            Console.WriteLine(string.Create(invariant, $"K={k} {name} {task.Name}: BLEU {result.Scores.Bleu:F2} chrF {result.Scores.ChrF:F2} support loss {result.SupportLossBefore:F3} -> {result.SupportLossAfter:F3} ({timer.Elapsed.TotalSeconds:F0} s) e.g. \"{result.Outputs[0]}\" for \"{test[0].Target}\""));
            rows.Add(new() { ["k"] = k, ["start"] = name, ["task"] = task.Name, ["bleu"] = result.Scores.Bleu, ["chrf"] = result.Scores.ChrF });
        }
        Console.WriteLine(string.Create(invariant, $"K={k} {name}: mean BLEU {bleu:F2} chrF {chrF:F2}"));
    }
var json = Path.Combine(outDir, "results.json");
File.WriteAllText(json + ".tmp", JsonSerializer.Serialize(rows));
File.Move(json + ".tmp", json, overwrite: true);
Console.WriteLine($"total {clock.Elapsed.TotalSeconds:F0} s, peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576} MiB");
