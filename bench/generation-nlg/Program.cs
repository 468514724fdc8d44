// FewShotWOZ held-out domains at K shots (issue 23; docs/GENERATION.md, docs/BENCHMARKS.md). Usage (bench/generation-nlg/run):
//   generation-nlg OUT_DIR META_STEPS ADAPT_STEPS K[,K...] STARTS [OUTER_OPTIMIZER] [OUTER_LR] [ADAPT_RULE] [ADAPT_LR] [HELD_OUT] [delex|lex]
// Dialogue act → text. Meta-training tasks: GenerationTaskSets.MetaTraining(Nlg) (RNNLG's 4 training domains and the
// 16 FewShotSGD domains); held out (default attraction,train,taxi: MultiWOZ domains, none of them meta-trained on).
// BPE (4,000 merges, lower-cased) from the meta-training texts only. With delex (the default) the models read and write
// slot values as numbered placeholders (NlgDelexicalizer) and the outputs are relexicalised before scoring; lex reads
// and writes the values themselves. STARTS, a comma list of:
//   fomaml:    FOMAML over the meta-training tasks for META_STEPS steps;
//   multitask: multi-task training over the same tasks for the same steps, reading the same examples per step (transfer);
//   scratch:   the initial weights (same seed, same size).
// Each start is adapted by the same GenerationAdapter call on the first K of the domain's FewShotWOZ training shots
// and scored on its whole test set (greedy decoding): BLEU, chrF and the slot error rate. Trained models are saved in
// OUT_DIR and resumed (a larger META_STEPS continues them) or reused; results go to OUT_DIR/results-START.json.
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MetaNlp.Generation;
using static TorchSharp.torch;

var invariant = CultureInfo.InvariantCulture;
if (args.Length < 5) throw new ArgumentException("usage: generation-nlg OUT_DIR META_STEPS ADAPT_STEPS K[,K...] STARTS [OUTER_OPTIMIZER] [OUTER_LR] [ADAPT_RULE] [ADAPT_LR] [HELD_OUT] [delex|lex]");
var outDir = args[0];
var metaSteps = int.Parse(args[1], invariant);
var adaptSteps = int.Parse(args[2], invariant);
var ks = args[3].Split(',').Select(k => int.Parse(k, invariant)).ToArray();
var startNames = args[4].Split(',');
var outer = args.Length > 5 ? args[5] : GenerationMetaOptions.Adam;
var outerRate = args.Length > 6 ? double.Parse(args[6], invariant) : outer == GenerationMetaOptions.Adam ? 1e-3 : 0.5;
var rule = args.Length > 7 ? args[7] : "adam";
var adaptRate = args.Length > 8 ? double.Parse(args[8], invariant) : rule == "adam" ? 1e-3 : 0.1;
var heldOut = (args.Length > 9 ? args[9] : "attraction,train,taxi").Split(',');
var delexicalize = (args.Length > 10 ? args[10] : "delex") switch { "delex" => true, "lex" => false, var x => throw new ArgumentException($"'{x}' is neither delex nor lex") };
set_num_threads(1);
Directory.CreateDirectory(outDir);
var data = Environment.GetEnvironmentVariable("METANLP_DATA") ?? throw new InvalidOperationException("set METANLP_DATA");
var metaTasks = GenerationTaskSets.MetaTraining(GenerationTaskFamily.Nlg, data);
var shots = NlgTasks.FewShotWoz(data, "train").ToDictionary(t => t.Name);
var tests = NlgTasks.FewShotWoz(data, "test").ToDictionary(t => t.Name);
var clock = Stopwatch.StartNew();
// Every start shares one vocabulary: the first run learns it and saves it in vocabulary.safetensors (learning is deterministic).
var vocabularyPath = Path.Combine(outDir, "vocabulary.safetensors");
// The NLG family's recipe (width 128, 4,000 merges), what `metanlp train --task-family nlg` uses; this benchmark measured it.
var recipe = GenerationRecipe.For(GenerationTaskFamily.Nlg);
var sizes = recipe.Sizes();
BpeVocabulary bpe;
if (File.Exists(vocabularyPath)) bpe = GenerationModel.Load(vocabularyPath).Model.Vocabulary;
else
{
    bpe = BpeTrainer.Train(metaTasks.SelectMany(t => t.Pairs).Select(p => GenerationModel.PreparePair(GenerationTaskFamily.Nlg, delexicalize, p)).SelectMany(p => new[] { p.Source, p.Target }),
        new BpeTrainerOptions { MergeCount = recipe.MergeCount, LowerCase = true });
    GenerationModel.Create(bpe, sizes, GenerationTaskFamily.Nlg, seed: 1, delexicalize).Save(vocabularyPath);
}
Console.WriteLine($"bpe: {bpe.Count} ids from {metaTasks.Count} tasks ({metaTasks.Sum(t => t.Pairs.Count)} pairs) in {clock.Elapsed.TotalSeconds:F1} s");
var meta = new GenerationMetaOptions
{
    TasksPerStep = 4, SupportSize = 16, QuerySize = 16, InnerSteps = 1, InnerLearningRate = 0.1,
    OuterOptimizer = outer, OuterLearningRate = outerRate, MaxTargetLength = 64,
};

GenerationModel Start(string name)
{
    if (name == "scratch") return GenerationModel.Create(bpe, sizes, GenerationTaskFamily.Nlg, seed: 1, delexicalize);
    var algorithm = name switch { "fomaml" => GenerationMetaAlgorithm.Fomaml, "multitask" => GenerationMetaAlgorithm.MultiTask, _ => throw new ArgumentException($"unknown start '{name}'") };
    var path = Path.Combine(outDir, $"{name}.safetensors");
    var options = new GenerationRunOptions { Steps = metaSteps, CheckpointEvery = 100, Seed = 1, Meta = meta with { Algorithm = algorithm } };
    GenerationModel model;
    GenerationRunState? state = null;
    if (File.Exists(path)) (model, state) = GenerationModel.Load(path);
    else model = GenerationModel.Create(bpe, sizes, GenerationTaskFamily.Nlg, seed: 1, delexicalize);
    if (state is { } s && s.StepsDone >= metaSteps)
    {
        Console.WriteLine($"{name}: reusing {path} ({s.StepsDone} steps, {s.TrainSeconds:F0} s)");
        return model;
    }
    var tasks = metaTasks.Select(t => (t.Name, model.Encode(t.Pairs))).ToList();
    var window = 0.0;
    var done = GenerationRun.Train(model, tasks, options, path, state, (step, loss) =>
    {
        window += loss;
        if (step % 100 != 0) return;
        Console.WriteLine(string.Create(invariant, $"{name} step {step}: mean loss of the last 100 {window / 100:F4}, {clock.Elapsed.TotalSeconds:F0} s, peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576} MiB"));
        window = 0;
    });
    Console.WriteLine($"{name}: {done.StepsDone} steps in {done.TrainSeconds:F0} s");
    return model;
}

var adaptation = new GenerationAdaptationOptions { Steps = adaptSteps, BatchSize = 16, LearningRate = adaptRate, Optimizer = rule };
var decoding = new GenerationDecodeOptions { Beam = 1, MaxLength = 64 };
foreach (var name in startNames)
{
    var model = Start(name);
    Console.WriteLine(string.Create(invariant, $"adaptation: {adaptSteps} {rule} steps at {adaptRate}, batch 16; test: each held-out domain's FewShotWOZ test set, greedy"));
    var rows = new List<Dictionary<string, object>>();
    foreach (var k in ks)
    {
        double bleu = 0, ser = 0;
        foreach (var domain in heldOut)
        {
            var timer = Stopwatch.StartNew();
            var support = shots[domain].Pairs.Take(k).ToList();
            var test = tests[domain].Pairs;
            var result = GenerationEvaluator.AdaptAndEvaluate(model, support, test, adaptation, decoding);
            bleu += result.Scores.Bleu / heldOut.Length;
            ser += result.Scores.SlotErrorRate!.Value / heldOut.Length;
            Console.WriteLine(string.Create(invariant, $"K={k} {name} {domain}: BLEU {result.Scores.Bleu:F2} chrF {result.Scores.ChrF:F2} slot error {result.Scores.SlotErrorRate:F2} support loss {result.SupportLossBefore:F3} -> {result.SupportLossAfter:F3} ({timer.Elapsed.TotalSeconds:F0} s)"));
            Console.WriteLine($"  e.g. {test[0].Source} => \"{result.Outputs[0]}\" (reference \"{test[0].Target}\")");
            rows.Add(new() { ["k"] = k, ["start"] = name, ["domain"] = domain, ["bleu"] = result.Scores.Bleu, ["chrf"] = result.Scores.ChrF, ["slot_error"] = result.Scores.SlotErrorRate!.Value });
        }
        Console.WriteLine(string.Create(invariant, $"K={k} {name}: mean BLEU {bleu:F2} slot error {ser:F2}"));
    }
    var json = Path.Combine(outDir, $"results-{name}.json");
    File.WriteAllText(json + ".tmp", JsonSerializer.Serialize(rows));
    File.Move(json + ".tmp", json, overwrite: true);
}
Console.WriteLine($"total {clock.Elapsed.TotalSeconds:F0} s, peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576} MiB");
