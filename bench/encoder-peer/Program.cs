using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MetaNlp.Data;
using MetaNlp.Encoders;
using MetaNlp.Text;
using Microsoft.ML.OnnxRuntime;
using static TorchSharp.torch;

namespace MetaNlp.Bench.EncoderPeer;

/// <summary>
/// Frozen all-MiniLM-L6-v2 sentence vectors per second: MetaNlp's <see cref="MiniLmEncoder"/> (TorchSharp) against ONNX
/// Runtime running the same model.onnx, on the same token ids, batches and thread count, in one process. ONNX Runtime
/// runs with its intra-op threads spinning (its default) and not spinning; the faster is the peer's figure. The last
/// stdout line is one JSON object (docs/TORCHSHARP.md, "Speed").
/// </summary>
/// <remarks>
/// Usage: <c>EncoderPeer [--data-dir DIR] [--threads 2] [--texts 2000] [--rounds 3] [--batch 32] [--max-length 128]</c>.
/// Texts: the first <c>--texts</c> distinct texts (by token ids) of BANKING77's test set, tokenized once with
/// <see cref="BertWordPieceTokenizer"/>, sorted by token count and cut into batches that both sides share.
/// </remarks>
internal static class Program
{
    private const int Dim = MiniLmWeights.HiddenSize;
    private static readonly string[] InputNames = ["input_ids", "attention_mask", "token_type_ids"];
    private static readonly string[] OutputNames = ["last_hidden_state"];

    /// <summary>Batches per segment of a timed round (128 texts, about a second per side on this machine).</summary>
    private const int SegmentBatches = 4;

    private static int Main(string[] args)
    {
        try
        {
            return Run(Options.Parse(args));
        }
        catch (Exception e) when (e is ArgumentException or FileNotFoundException or FormatException)
        {
            Console.Error.WriteLine($"encoder-peer: {e.Message}");
            return 2;
        }
    }

    private static int Run(Options o)
    {
        double loadBefore = LoadAverage();
        set_num_threads(o.Threads);
        set_num_interop_threads(1);
        using var noGrad = no_grad();

        // Texts and token ids, shared by both sides. Duplicates are dropped so that the frozen encoder's per-text cache
        // cannot serve a repeated text inside a pass: both sides compute every vector.
        string dataDir = DataDirectory.Resolve(o.DataDir);
        var test = DatasetRegistry.Get("banking77").Load(dataDir).Dataset.Part("test");
        var tokenizer = BertWordPieceTokenizer.MiniLm(o.MaxLength);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var ids = test.Select(e => tokenizer.Encode(e.Text)).Where(s => seen.Add(string.Join(',', s))).Take(o.Texts).ToArray();
        if (ids.Length < o.Texts) Log($"only {ids.Length} distinct texts in BANKING77's test set (asked for {o.Texts})");
        var batches = ids.OrderBy(s => s.Length).Chunk(o.Batch).ToArray(); // OrderBy is stable
        int n = ids.Length;
        double meanTokens = ids.Average(s => s.Length);
        Log($"encoder-peer: {n} BANKING77 test texts ({meanTokens:F1} tokens each on average, longest {ids.Max(s => s.Length)}), "
            + $"{batches.Length} batches of {o.Batch}, {o.Threads} threads, {o.Rounds} rounds, data {dataDir}");

        using var encoder = new MiniLmEncoder(new EncoderOptions { Kind = MiniLmEncoder.KindName, FineTuneLayers = 0 });
        encoder.eval();
        // ONNX Runtime twice: with its default intra-op threads that spin while waiting for work, and with spinning
        // off, which is faster when other processes share the cores. The faster of the two is the figure compared.
        using var session = OnnxSession(o.Threads, spinning: true);
        using var quietSession = OnnxSession(o.Threads, spinning: false);
        using var runOptions = new RunOptions();

        // Warm-up: one full pass of each side over every batch, which also compares their mean-pooled vectors.
        var clock = Stopwatch.StartNew();
        double maxDiff = 0, firstBatchDiff = 0;
        for (int b = 0; b < batches.Length; b++)
        {
            float[] pooled;
            using (NewDisposeScope())
            {
                using var batch = TokenBatch.FromIds(batches[b]);
                pooled = encoder.Pooled(batch).data<float>().ToArray();
            }
            var peerPooled = OnnxBatch(session, runOptions, batches[b], normalize: false);
            double diff = 0;
            for (int i = 0; i < pooled.Length; i++) diff = Math.Max(diff, Math.Abs(pooled[i] - peerPooled[i]));
            if (b == 0) firstBatchDiff = diff;
            maxDiff = Math.Max(maxDiff, diff);
        }
        OursSeconds(encoder, batches); // the frozen Forward path (cache bookkeeping) once, untimed
        OnnxSeconds(quietSession, runOptions, batches);
        Log($"warm-up and check: {clock.Elapsed.TotalSeconds:F1} s; mean-pooled vectors, max abs difference {firstBatchDiff:0.00e+0} on the first batch, {maxDiff:0.00e+0} over all {n} texts");

        // Timed rounds. Each round gives every side one pass over all texts, cut into segments of a few batches that the
        // sides take in turn (the order rotating from segment to segment), so a change in the machine's load reaches all
        // three alike; a side's rate is the texts over its summed segment times. Our cache is emptied before each round.
        var sides = new (string Name, Func<int[][][], double> Seconds, List<double> Rates)[]
        {
            ("ours", segment => OursSeconds(encoder, segment), []),
            ("ONNX Runtime", segment => OnnxSeconds(session, runOptions, segment), []),
            ("ONNX Runtime (no spinning)", segment => OnnxSeconds(quietSession, runOptions, segment), []),
        };
        var segments = batches.Chunk(SegmentBatches).ToArray();
        for (int r = 0; r < o.Rounds; r++)
        {
            encoder.ClearCache();
            long before = encoder.EncodedTexts;
            var seconds = new double[sides.Length];
            for (int g = 0; g < segments.Length; g++)
            {
                for (int k = 0; k < sides.Length; k++)
                {
                    int side = (r + g + k) % sides.Length;
                    seconds[side] += sides[side].Seconds(segments[g]);
                }
            }
            CheckComputed(encoder, before, n, "a round with the cache emptied");
            for (int k = 0; k < sides.Length; k++) sides[k].Rates.Add(n / seconds[k]);
            Log($"round {r + 1}: " + string.Join(", ", sides.Select(side => $"{side.Name} {side.Rates[^1]:F1}")) + " sentences/s");
        }

        // Frozen mode's cache: every text is now cached, so a pass only looks vectors up (no network work).
        var cachedRates = new List<double>();
        for (int r = 0; r < o.Rounds; r++)
        {
            long before = encoder.EncodedTexts;
            cachedRates.Add(n / OursSeconds(encoder, batches));
            CheckComputed(encoder, before, 0, "a pass over cached texts");
        }

        double ours = Median(sides[0].Rates), spin = Median(sides[1].Rates), quiet = Median(sides[2].Rates), cached = Median(cachedRates);
        double ort = Math.Max(spin, quiet);
        double ratio = ours / ort;
        Console.WriteLine();
        Console.WriteLine($"{"sentences/s, frozen (median)",-40}{"ours",10}{"ONNX Runtime",14}{"ratio",8}");
        Console.WriteLine($"{"  ORT spinning threads (its default)",-40}{ours,10:F1}{spin,14:F1}{ours / spin,8:F2}");
        Console.WriteLine($"{"  ORT threads not spinning",-40}{ours,10:F1}{quiet,14:F1}{ours / quiet,8:F2}");
        Console.WriteLine($"{"  from our cache (no network work)",-40}{cached,10:F0}");
        Console.WriteLine($"(ratio > 1: ours faster; compared with the faster ORT setting: {ratio:F2}; {o.Threads} threads each; "
            + $"mean-pooled vectors max abs difference {maxDiff:0.00e+0})");

        var result = new Dictionary<string, object?>
        {
            ["benchmark"] = "encoder-peer",
            ["date"] = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            ["machine"] = $"{Environment.ProcessorCount} cores, {CpuModel()}",
            ["threads"] = o.Threads,
            ["texts"] = n,
            ["batch"] = o.Batch,
            ["max_length"] = o.MaxLength,
            ["rounds"] = o.Rounds,
            ["dataset"] = "banking77 test (first distinct texts, sorted by token count before batching)",
            ["tokens_per_text_mean"] = Math.Round(meanTokens, 2),
            ["ours_sentences_per_second"] = Math.Round(ours, 1),
            ["onnxruntime_sentences_per_second"] = Math.Round(ort, 1),
            ["onnxruntime_setting"] = spin >= quiet ? "spinning" : "no_spinning",
            ["ratio"] = Math.Round(ratio, 3),
            ["onnxruntime_spinning_sentences_per_second"] = Math.Round(spin, 1),
            ["onnxruntime_no_spinning_sentences_per_second"] = Math.Round(quiet, 1),
            ["max_abs_diff"] = Round3(maxDiff),
            ["max_abs_diff_first_batch"] = Round3(firstBatchDiff),
            ["cached_sentences_per_second"] = Math.Round(cached, 0),
            ["ours_rounds"] = sides[0].Rates.Select(x => Math.Round(x, 1)).ToArray(),
            ["onnxruntime_spinning_rounds"] = sides[1].Rates.Select(x => Math.Round(x, 1)).ToArray(),
            ["onnxruntime_no_spinning_rounds"] = sides[2].Rates.Select(x => Math.Round(x, 1)).ToArray(),
            ["onnxruntime_version"] = OrtEnv.Instance().GetVersionString(),
            ["load_avg_1min"] = new Dictionary<string, double> { ["before"] = loadBefore, ["after"] = LoadAverage() },
        };
        Console.WriteLine(JsonSerializer.Serialize(result));
        return 0;
    }

    /// <summary>Seconds our frozen encoder (<see cref="MiniLmEncoder.Forward"/>, cache included) takes for the batches.</summary>
    private static double OursSeconds(MiniLmEncoder encoder, int[][][] batches)
    {
        var clock = Stopwatch.StartNew();
        foreach (var ids in batches)
        {
            using var scope = NewDisposeScope();
            using var batch = TokenBatch.FromIds(ids);
            encoder.Forward(batch);
        }
        return clock.Elapsed.TotalSeconds;
    }

    /// <summary>Seconds ONNX Runtime takes for the batches, to unit-length sentence vectors like our Forward.</summary>
    private static double OnnxSeconds(InferenceSession session, RunOptions runOptions, int[][][] batches)
    {
        var clock = Stopwatch.StartNew();
        foreach (var ids in batches) OnnxBatch(session, runOptions, ids, normalize: true);
        return clock.Elapsed.TotalSeconds;
    }

    /// <summary>Fails unless the network ran on exactly <paramref name="expected"/> texts since <paramref name="before"/>.</summary>
    private static void CheckComputed(MiniLmEncoder encoder, long before, int expected, string what)
    {
        long computed = encoder.EncodedTexts - before;
        if (computed != expected) throw new InvalidOperationException($"our encoder ran on {computed} texts in {what}; expected {expected}");
    }

    private static InferenceSession OnnxSession(int threads, bool spinning)
    {
        using var stream = MiniLmWeights.OpenModel();
        using var bytes = new MemoryStream();
        stream.CopyTo(bytes);
        using var options = new SessionOptions
        {
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        options.AddSessionConfigEntry("session.intra_op.allow_spinning", spinning ? "1" : "0");
        return new InferenceSession(bytes.ToArray(), options);
    }

    /// <summary>
    /// ONNX Runtime on one padded batch (the same padding as <see cref="TokenBatch"/>: id 0, mask 0, one segment), then the
    /// mean of each text's token states over its mask, [batch * 384], scaled to unit length when asked.
    /// </summary>
    private static float[] OnnxBatch(InferenceSession session, RunOptions runOptions, int[][] sequences, bool normalize)
    {
        int rows = sequences.Length, length = sequences.Max(s => s.Length);
        var ids = new long[rows * length];
        var mask = new long[rows * length];
        var types = new long[rows * length];
        for (int row = 0; row < rows; row++)
        {
            for (int t = 0; t < sequences[row].Length; t++)
            {
                ids[row * length + t] = sequences[row][t];
                mask[row * length + t] = 1;
            }
        }
        long[] shape = [rows, length];
        using var idsValue = OrtValue.CreateTensorValueFromMemory(ids, shape);
        using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, shape);
        using var typesValue = OrtValue.CreateTensorValueFromMemory(types, shape);
        using var outputs = session.Run(runOptions, InputNames, [idsValue, maskValue, typesValue], OutputNames);
        var states = outputs[0].GetTensorDataAsSpan<float>();
        var vectors = new float[rows * Dim];
        var sum = new double[Dim];
        for (int row = 0; row < rows; row++)
        {
            int count = sequences[row].Length;
            Array.Clear(sum);
            for (int t = 0; t < count; t++)
            {
                var token = states.Slice((row * length + t) * Dim, Dim);
                for (int j = 0; j < Dim; j++) sum[j] += token[j];
            }
            double norm = 0;
            for (int j = 0; j < Dim; j++)
            {
                sum[j] /= count;
                norm += sum[j] * sum[j];
            }
            double scale = normalize ? 1 / Math.Max(Math.Sqrt(norm), 1e-12) : 1;
            for (int j = 0; j < Dim; j++) vectors[row * Dim + j] = (float)(sum[j] * scale);
        }
        return vectors;
    }

    /// <summary>Three significant digits, for small differences in the JSON.</summary>
    private static double Round3(double x) => double.Parse(x.ToString("E2", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    private static double Median(List<double> xs)
    {
        var s = xs.Order().ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
    }

    private static string CpuModel() =>
        File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").Where(l => l.StartsWith("model name", StringComparison.Ordinal)).Select(l => l.Split(':', 2)[1].Trim()).FirstOrDefault() ?? "unknown CPU"
            : "unknown CPU";

    private static double LoadAverage() =>
        File.Exists("/proc/loadavg") ? double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture) : -1;

    private static void Log(string message) => Console.Error.WriteLine(message);

    /// <summary>Command-line options.</summary>
    private sealed record Options(string? DataDir, int Threads, int Texts, int Rounds, int Batch, int MaxLength)
    {
        public static Options Parse(string[] args)
        {
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            for (int i = 0; i < args.Length; i++)
            {
                if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
                    throw new ArgumentException($"Usage: EncoderPeer [--data-dir DIR] [--threads N] [--texts N] [--rounds N] [--batch N] [--max-length N]; got '{args[i]}'.");
                values[args[i][2..]] = args[++i];
            }
            int Int(string name, int fallback, int min)
            {
                if (!values.Remove(name, out var text)) return fallback;
                int v = int.Parse(text, CultureInfo.InvariantCulture);
                return v >= min ? v : throw new ArgumentException($"--{name} must be at least {min}; it is {v}.");
            }
            values.Remove("data-dir", out var dataDir);
            var options = new Options(dataDir, Int("threads", 2, 1), Int("texts", 2000, 1), Int("rounds", 3, 1), Int("batch", 32, 1), Int("max-length", 128, 2));
            if (values.Count > 0) throw new ArgumentException($"Unknown option --{values.Keys.First()}.");
            if (options.MaxLength > MiniLmWeights.MaxPositions) throw new ArgumentException($"--max-length must be at most {MiniLmWeights.MaxPositions}.");
            return options;
        }
    }
}
