// ConvoSumm email threads at K training threads (issue 23; docs/GENERATION.md, docs/BENCHMARKS.md). Usage (bench/generation-summ/run):
//   generation-summ OUT_DIR STEPS K[,K...] [TEST_THREADS] [ADAPT_LR]
// The shared data holds one summarization source (ConvoSumm's email threads; its other three sources are not
// published in its repository), so there is no second task to meta-train or pretrain on: this benchmark measures what
// the few threads alone give. For each K, the first K of ConvoSumm's 265 validation threads are the training set and
// the first TEST_THREADS (default all 250) of its test threads are scored:
//   scratch: a fresh model (BPE of 2,000 merges, lower-cased, learned from the K threads only) trained on the K threads
//            for STEPS Adam steps (ADAPT_LR, default 1e-3; batches of 8; targets cut at 128 ids), the same
//            GenerationAdapter call that adapts every start of the other generation benchmarks; greedy decoding up to
//            128 ids;
//   lead:    the thread's first N words, N the mean word count of the K training summaries (the standard extractive
//            floor, chosen without looking at the test set).
// Scores: mean ROUGE-1/2/L F1 (rouge-score's defaults), corpus BLEU and chrF on lower-cased references. Results go to
// OUT_DIR/results.json.
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MetaNlp.Generation;
using static TorchSharp.torch;

var invariant = CultureInfo.InvariantCulture;
if (args.Length < 3) throw new ArgumentException("usage: generation-summ OUT_DIR STEPS K[,K...] [TEST_THREADS] [ADAPT_LR]");
var outDir = args[0];
var steps = int.Parse(args[1], invariant);
var ks = args[2].Split(',').Select(k => int.Parse(k, invariant)).ToArray();
var data = Environment.GetEnvironmentVariable("METANLP_DATA") ?? throw new InvalidOperationException("set METANLP_DATA");
var training = SummarizationTasks.ConvoSummEmail(data, "validation").Pairs;
var allTest = SummarizationTasks.ConvoSummEmail(data, "test").Pairs;
var test = allTest.Take(args.Length > 3 ? int.Parse(args[3], invariant) : allTest.Count).ToList();
var rate = args.Length > 4 ? double.Parse(args[4], invariant) : 1e-3;
set_num_threads(1);
Directory.CreateDirectory(outDir);
var clock = Stopwatch.StartNew();
// The summarization family's recipe (2,000 merges, 2+2 layers, 4 heads) at width 128.
var recipe = GenerationRecipe.For(GenerationTaskFamily.Summarization);
var sizes = recipe.Sizes(width: 128);
var adaptation = new GenerationAdaptationOptions { Steps = steps, BatchSize = 8, LearningRate = rate, Optimizer = "adam", MaxTargetLength = 128 };
var decoding = new GenerationDecodeOptions { Beam = 1, MaxLength = 128 };
static int Words(string text) => text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
var rows = new List<Dictionary<string, object>>();

void Report(int k, string start, GenerationScores s, string example, double seconds)
{
    Console.WriteLine(string.Create(invariant, $"K={k} {start}: ROUGE-1 {s.Rouge1:F2} ROUGE-2 {s.Rouge2:F2} ROUGE-L {s.RougeL:F2} BLEU {s.Bleu:F2} chrF {s.ChrF:F2} ({seconds:F0} s)"));
    Console.WriteLine($"  e.g. \"{example}\"");
    rows.Add(new() { ["k"] = k, ["start"] = start, ["rouge1"] = s.Rouge1!.Value, ["rouge2"] = s.Rouge2!.Value, ["rougeL"] = s.RougeL!.Value, ["bleu"] = s.Bleu, ["chrf"] = s.ChrF, ["seconds"] = seconds });
}

Console.WriteLine($"{training.Count} training threads, {test.Count} test threads; scratch: {steps} Adam steps at {rate.ToString(invariant)}, batch 8, greedy");
foreach (var k in ks)
{
    var support = training.Take(k).ToList();
    var timer = Stopwatch.StartNew();
    var leadWords = (int)Math.Round(support.Average(p => Words(p.Target)));
    var lead = test.Select(p => string.Join(' ', p.Source.Replace("</s>", " ", StringComparison.Ordinal).Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(leadWords)).ToLowerInvariant()).ToList();
    Report(k, $"lead-{leadWords}", GenerationEvaluator.Score(GenerationTaskFamily.Summarization, test, lead, lowerCase: true), lead[0], timer.Elapsed.TotalSeconds);

    timer.Restart();
    var bpe = BpeTrainer.Train(support.SelectMany(p => new[] { p.Source, p.Target }), new BpeTrainerOptions { MergeCount = recipe.MergeCount, LowerCase = true });
    var model = GenerationModel.Create(bpe, sizes, GenerationTaskFamily.Summarization, seed: 1);
    var result = GenerationEvaluator.AdaptAndEvaluate(model, support, test, adaptation, decoding);
    Console.WriteLine(string.Create(invariant, $"K={k} scratch: {bpe.Count} ids, training loss {result.SupportLossBefore:F3} -> {result.SupportLossAfter:F3}"));
    Report(k, "scratch", result.Scores, result.Outputs[0], timer.Elapsed.TotalSeconds);
    var json = Path.Combine(outDir, "results.json");
    File.WriteAllText(json + ".tmp", JsonSerializer.Serialize(rows));
    File.Move(json + ".tmp", json, overwrite: true);
}
Console.WriteLine($"total {clock.Elapsed.TotalSeconds:F0} s, peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576} MiB");
