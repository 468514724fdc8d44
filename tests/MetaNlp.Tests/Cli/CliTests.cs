using System.Globalization;
using System.Text;
using MetaNlp.Data;
using MetaNlp.Tests.Checkpoints;
using MetaNlp.Tests.Data;

namespace MetaNlp.Tests.Cli;

public class CliTests
{
    private static string WriteToyCsv(TempDir dir)
    {
        var csv = new StringBuilder("text,label\n");
        foreach (var e in ToyData.Examples(classes: 12, perClass: 12)) csv.Append(CultureInfo.InvariantCulture, $"\"{e.Text}\",{e.Label}\n");
        return dir.File("toy.csv", csv.ToString());
    }

    // The toy file's classes as training 0-6, validation 7-8 and test 9-11.
    private static string[] ToySplit(string csv) =>
        ["--dataset-file", csv, "--train-classes", string.Join(',', ToyData.Classes(0, 7)), "--val-classes", string.Join(',', ToyData.Classes(7, 9)), "--test-classes", string.Join(',', ToyData.Classes(9, 12))];

    [Fact]
    public void DatasetsEpisodesWritesTheEpisodesTrainDrawsOneJsonLineEach()
    {
        using var dir = new TempDir();
        string csv = WriteToyCsv(dir);
        string[] data = ToySplit(csv);
        var written = CliRunner.Run([.. "datasets episodes --ways 3 --shots 2 --queries 3 --seed 7 --first 4 --count 3".Split(' '), .. data]);
        Assert.True(written.ExitCode == 0, written.Stderr);
        var lines = written.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);

        // The sampler `metanlp train` builds from the same data, shape and seed.
        var dataset = DatasetFile.Load(csv, "csv");
        var split = ClassSplitFile.ParseLists(string.Join(',', ToyData.Classes(0, 7)), string.Join(',', ToyData.Classes(7, 9)), string.Join(',', ToyData.Classes(9, 12)));
        var shape = new EpisodeSamplerOptions { Ways = 3, Shots = 2, Queries = 3, AllowFewerWays = true };
        var train = MetaNlp.Training.TrainingSources.From(ProtocolData.Episodic("toy.csv", dataset, split), shape, 7).Train;
        for (int i = 0; i < lines.Length; i++)
        {
            var line = System.Text.Json.Nodes.JsonNode.Parse(lines[i])!.AsObject();
            var expected = train.Sample(4 + i);
            Assert.Equal(4 + i, (long)line["episode"]!);
            Assert.Equal(expected.Classes, line["classes"]!.AsArray().Select(c => (string)c!).ToArray());
            Assert.Equal(expected.Support.Select(e => (e.Text, e.Label)), line["support"]!.AsArray().Select(e => ((string)e!["text"]!, (string)e["label"]!)));
            Assert.Equal(expected.Query.Select(e => (e.Text, e.Label)), line["query"]!.AsArray().Select(e => ((string)e!["text"]!, (string)e["label"]!)));
        }

        var none = CliRunner.Run([.. "datasets episodes --count 0".Split(' '), .. data]);
        Assert.Equal(2, none.ExitCode);
        Assert.Contains("--count", none.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void TrainEvalAndPredictWorkEndToEndOnAUserFileWithJsonOutput()
    {
        using var dir = new TempDir();
        string csv = WriteToyCsv(dir);
        string output = Path.Combine(dir.Path, "run");
        string[] data = ToySplit(csv);

        var train = CliRunner.Run([.. "train --encoder cnn --ways 3 --shots 2 --queries 3 --max-episodes 30 --val-every 10 --val-episodes 5 --embedding-dim 16 --filters 8 --threads 1 --json --out".Split(' '), output, .. data]);
        Assert.True(train.ExitCode == 0, train.Stderr);
        var t = train.Json;
        Assert.Equal(30, (int)t["episodes"]!);
        Assert.Equal("protonet", (string)t["algo"]!);
        Assert.True(File.Exists(Path.Combine(output, "model.ckpt")));

        var eval = CliRunner.Run([.. "eval --episodes 20 --threads 1 --json --model".Split(' '), Path.Combine(output, "model.ckpt"), .. data]);
        Assert.True(eval.ExitCode == 0, eval.Stderr);
        var e = eval.Json;
        foreach (var field in new[] { "dataset", "algo", "encoder", "ways", "shots", "episodes", "accuracy", "ci95", "seconds" }) Assert.True(e.ContainsKey(field), $"eval --json lacks '{field}'");
        Assert.Equal(3, (int)e["ways"]!);
        Assert.Equal(2, (int)e["shots"]!);
        Assert.Equal(20, (int)e["episodes"]!);
        Assert.InRange((double)e["accuracy"]!, 0, 100);

        string support = dir.File("support.csv", "text,label\n" + string.Join('\n', ToyData.Examples(12, 12).Where(x => x.Label is "class10" or "class11").Take(100).Select(x => $"{x.Text},{x.Label}")));
        var predict = CliRunner.Run(["predict", "--model", Path.Combine(output, "model.ckpt"), "--support", support, "--text", "topic1 topic2 now", "--text", "please topic3", "--json"]);
        Assert.True(predict.ExitCode == 0, predict.Stderr);
        var predictions = predict.Json["predictions"]!.AsArray();
        Assert.Equal(2, predictions.Count);
        Assert.All(predictions, p => Assert.Contains((string)p!["label"]!, new[] { "class10", "class11" }));
        Assert.All(predictions, p => Assert.Equal(1.0, p!["probabilities"]!.AsObject().Sum(kv => (double)kv.Value!), 4));

        var fromStdin = CliRunner.RunWithInput("line one topic1\nline two topic2\n", "predict", "--model", Path.Combine(output, "model.ckpt"), "--support", support);
        Assert.True(fromStdin.ExitCode == 0, fromStdin.Stderr);
        Assert.Equal(2, fromStdin.Stdout.Trim().Split('\n').Length);

        // Nothing to read is bad input, not a prediction (issue 19, item 8).
        foreach (var blank in new[] { "", "\u200B\u200D" })
        {
            var empty = CliRunner.Run(["predict", "--model", Path.Combine(output, "model.ckpt"), "--support", support, "--text", "fine", "--text", blank]);
            Assert.Equal(2, empty.ExitCode);
            Assert.StartsWith("error: --text 2 has no visible character", empty.Stderr);
        }
    }

    [Theory]
    [InlineData("train --bogus 1", "Unrecognized command or argument '--bogus'", "metanlp train")]
    [InlineData("eval --threads abc", "Cannot parse argument 'abc' for option '--threads'", "metanlp eval")]
    [InlineData("predict --model", "Required argument missing for option: '--model'", "metanlp predict")]
    [InlineData("nosuch", "Required command was not provided", "metanlp")]
    // A value that does not convert reached the option's validator, which asked for the value and aborted the process (exit 134).
    [InlineData("train --filters abc", "Cannot parse argument 'abc' for option '--filters' as a whole number", "metanlp train")]
    [InlineData("train --finetune-layers 3.5", "Cannot parse argument '3.5' for option '--finetune-layers' as a whole number", "metanlp train")]
    [InlineData("train --contrastive-epochs 99999999999", "Cannot parse argument '99999999999' for option '--contrastive-epochs'", "metanlp train")]
    [InlineData("serve --text-cache-mb abc", "Cannot parse argument 'abc' for option '--text-cache-mb' as a whole number", "metanlp serve")]
    [InlineData("eval --classes abc", "Argument 'abc' not recognized. Must be one of: 'test', 'val', 'train', 'all'", "metanlp eval")]
    public void ParserErrorsAreOneLineAndExitCode2(string args, string says, string command)
    {
        var result = CliRunner.Run(args.Split(' '));
        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Stdout);
        var lines = result.Stderr.Trim().Split('\n');
        Assert.Single(lines);
        Assert.StartsWith($"error: {says}", lines[0]);
        Assert.EndsWith($"see `{command} --help`.", lines[0]);
    }

    [Theory]
    [InlineData("maml", "--encoder cnn --inner-steps 2 --test-inner-steps 3 --inner-lr 0.2 --meta-batch 2", "\"testInnerSteps\":3")]
    [InlineData("protomaml", "--encoder cnn --first-order --inner-optimizer adam --inner-lr 0.01", "\"innerOptimizer\":\"Adam\"")]
    [InlineData("fomaml", "--encoder boe --meta-batch 2 --batch-tasks", "\"batchTasks\":true")]
    [InlineData("reptile", "--encoder cnn --outer-optimizer sgd --lr 0.5", "\"outerOptimizer\":\"sgd\"")]
    [InlineData("protonet", "--encoder cnn --embedding-updates dense", "\"sparseEmbeddings\":false")]
    [InlineData("induction", "--encoder bilstm --hidden-size 8 --routing-iterations 2", "\"routingIterations\":2")]
    [InlineData("matching", "--encoder transformer --heads 2 --layers 1 --fce", "\"fullContextEmbeddings\":true")]
    [InlineData("siamese", "--siamese-loss contrastive --encoder boe", "\"loss\":\"Contrastive\"")]
    [InlineData("r2d2", "--ridge-penalty 0.25 --encoder boe", "\"penalty\":0.25")]
    public void EveryFamilyTrainsAndEvaluatesFromTheCommandLineWithItsOptionsKept(string algo, string options, string kept)
    {
        using var dir = new TempDir();
        string csv = WriteToyCsv(dir);
        string output = Path.Combine(dir.Path, "run");
        string[] data = ToySplit(csv);
        var train = CliRunner.Run([.. $"train --algo {algo} {options} --ways 3 --shots 2 --queries 3 --max-episodes 8 --val-every 4 --val-episodes 3 --embedding-dim 16 --filters 8 --threads 1 --json --out".Split(' '), output, .. data]);
        Assert.True(train.ExitCode == 0, train.Stderr);
        Assert.Equal(algo, (string)train.Json["algo"]!);
        var eval = CliRunner.Run([.. "eval --episodes 5 --threads 1 --json --model".Split(' '), Path.Combine(output, "model.ckpt"), .. data]);
        Assert.True(eval.ExitCode == 0, eval.Stderr);
        Assert.Equal(algo, (string)eval.Json["algo"]!);
        var spec = System.Text.Json.JsonSerializer.Serialize(MetaNlp.Models.Checkpoint.ReadHeader(Path.Combine(output, "model.ckpt")).Spec, MetaNlp.Algorithms.LearnerRegistry.Json);
        Assert.Contains(kept, spec);
    }

    [Fact]
    public void TheMiniLmEncoderTrainsItsTopLayerAndAFrozenOneNeedsNoTrainingFromTheCommandLine()
    {
        using var dir = new TempDir();
        string csv = WriteToyCsv(dir);
        string[] data = ToySplit(csv);

        string tuned = Path.Combine(dir.Path, "tuned");
        var train = CliRunner.Run([.. "train --encoder minilm --finetune-layers 1 --ways 3 --shots 2 --queries 2 --max-episodes 2 --val-every 2 --val-episodes 2 --threads 1 --json --out".Split(' '), tuned, .. data]);
        Assert.True(train.ExitCode == 0, train.Stderr);
        Assert.Equal("minilm", (string)train.Json["encoder"]!);
        string model = Path.Combine(tuned, "model.ckpt");
        Assert.Contains("\"fineTuneLayers\":1", System.Text.Json.JsonSerializer.Serialize(MetaNlp.Models.Checkpoint.ReadHeader(model).Spec, MetaNlp.Algorithms.LearnerRegistry.Json));
        Assert.InRange(new FileInfo(model).Length, 7_000_000, 8_000_000); // the top layer only

        string frozen = Path.Combine(dir.Path, "frozen");
        var untrained = CliRunner.Run([.. "train --encoder minilm --ways 3 --shots 2 --queries 2 --max-episodes 5 --threads 1 --json --out".Split(' '), frozen, .. data]);
        Assert.True(untrained.ExitCode == 0, untrained.Stderr);
        var eval = CliRunner.Run([.. "eval --episodes 3 --threads 1 --json --model".Split(' '), Path.Combine(frozen, "model.ckpt"), .. data]);
        Assert.True(eval.ExitCode == 0, eval.Stderr);
        Assert.Equal("minilm", (string)eval.Json["encoder"]!);

        var bad = CliRunner.Run([.. "train --encoder minilm --finetune-layers 9 --threads 1 --out".Split(' '), frozen, .. data]);
        Assert.NotEqual(0, bad.ExitCode); // a parse error, like an unknown --algo
        Assert.Contains("--finetune-layers", bad.Stderr);
    }

    [Fact]
    public void AWarmStartTrainsAnotherLearnerFromAModelsEncoderAndRecordsWhichModel()
    {
        using var dir = new TempDir();
        string csv = WriteToyCsv(dir);
        string[] data = ToySplit(csv);
        string first = Path.Combine(dir.Path, "first");
        var train = CliRunner.Run([.. "train --encoder cnn --filters 8 --ways 3 --shots 2 --queries 2 --max-episodes 4 --val-every 2 --val-episodes 2 --threads 1 --json --out".Split(' '), first, .. data]);
        Assert.True(train.ExitCode == 0, train.Stderr);
        string source = Path.Combine(first, "model.ckpt");
        Assert.Equal(3, train.Json["history"]!.AsArray().Count); // validations at 0, 2 and 4
        Assert.Equal(3, File.ReadLines((string)train.Json["metrics"]!).Count(l => l.Contains("valAccuracy", StringComparison.Ordinal)));

        // No --encoder or --filters: the encoder options come from the initial model.
        string second = Path.Combine(dir.Path, "second");
        var warm = CliRunner.Run([.. "train --algo relation --ways 3 --shots 2 --queries 2 --max-episodes 2 --val-every 2 --val-episodes 2 --threads 1 --json --init-model".Split(' '), source, "--out", second, .. data]);
        Assert.True(warm.ExitCode == 0, warm.Stderr);
        Assert.Contains("the encoder starts from", warm.Stderr);
        var info = MetaNlp.Models.Checkpoint.ReadHeader(Path.Combine(second, "model.ckpt")).Spec;
        Assert.Equal("cnn", info.Encoder.Kind);
        Assert.Equal(8, info.Encoder.Filters);
        Assert.Equal("model.ckpt", info.Training!.InitialModel!.File);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(source))), info.Training.InitialModel.Sha256);

        var missing = CliRunner.Run([.. "train --max-episodes 2 --threads 1 --init-model".Split(' '), Path.Combine(dir.Path, "nothing.ckpt"), "--out", Path.Combine(dir.Path, "third"), .. data]);
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("nothing.ckpt", missing.Stderr);
    }

    [Fact]
    public void EachCommandNeedsOnlyTheClassesItUses()
    {
        using var dir = new TempDir();
        string csv = WriteToyCsv(dir);
        string test = string.Join(',', ToyData.Classes(9, 12));
        var eval = CliRunner.Run("eval", "--dataset-file", csv, "--test-classes", test, "--algo", "knn", "--encoder", "boe", "--episodes", "3", "--threads", "1", "--json");
        Assert.True(eval.ExitCode == 0, eval.Stderr);
        Assert.Equal(3, (int)eval.Json["ways"]!);

        var train = CliRunner.Run("train", "--dataset-file", csv, "--test-classes", test, "--max-episodes", "2", "--threads", "1", "--out", Path.Combine(dir.Path, "run"));
        Assert.Equal(2, train.ExitCode);
        Assert.Contains("--train-classes", train.Stderr);
        var noTest = CliRunner.Run("eval", "--dataset-file", csv, "--train-classes", test, "--algo", "knn", "--encoder", "boe", "--episodes", "3", "--threads", "1");
        Assert.Equal(2, noTest.ExitCode);
        Assert.Contains("--test-classes", noTest.Stderr);
    }

    [Fact]
    public void LabelNamesAndWeightAreReadAndABadFileWeightOrContradictionIsExitTwo()
    {
        using var dir = new TempDir();
        string csv = WriteToyCsv(dir);
        string test = string.Join(',', ToyData.Classes(9, 12));
        string[] common = ["eval", "--dataset-file", csv, "--test-classes", test, "--algo", "knn", "--encoder", "boe", "--episodes", "3", "--threads", "1"];
        string names = dir.File("names.json", "{\"class9\": \"the ninth\", \"class10\": \"the tenth\"}");
        var ok = CliRunner.Run([.. common, "--label-names", names, "--json"]);
        Assert.True(ok.ExitCode == 0, ok.Stderr);
        string bad = dir.File("bad.json", "{\"class9\": 9}");
        var refused = CliRunner.Run([.. common, "--label-names", bad]);
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("bad.json", refused.Stderr);
        Assert.Contains("class9", refused.Stderr);
        var contradiction = CliRunner.Run([.. common, "--label-names", names, "--label-text", "false"]);
        Assert.Equal(2, contradiction.ExitCode);
        Assert.Contains("--label-names", contradiction.Stderr);

        var weighed = CliRunner.Run([.. common, "--label-text-weight", "2", "--json"]);
        Assert.True(weighed.ExitCode == 0, weighed.Stderr);
        foreach (var weight in new[] { "0", "21" })
        {
            var outOfBounds = CliRunner.Run([.. common, "--label-text-weight", weight]);
            Assert.Equal(2, outOfBounds.ExitCode);
            Assert.Contains("--label-text-weight", outOfBounds.Stderr);
        }
        var weightButOff = CliRunner.Run([.. common, "--label-text-weight", "2", "--label-text", "false"]);
        Assert.Equal(2, weightButOff.ExitCode);
        Assert.Contains("--label-text-weight", weightButOff.Stderr);
    }

    [Fact]
    public void ThePretrainedModelIsCalledMiniLmInEveryCommandAndASavedModelRefusesModelOptions()
    {
        using var dir = new TempDir();
        string support = dir.File("support.csv", "text,label\nwhere is my card,card\nmy card has not arrived,card\nbook a table for two,restaurant\nreserve a table tonight,restaurant\n");
        var predict = CliRunner.Run("predict", "--model", "minilm", "--support", support, "--text", "has my new card been sent", "--threads", "1", "--json");
        Assert.True(predict.ExitCode == 0, predict.Stderr);
        Assert.Equal("minilm", (string)predict.Json["model"]!);
        Assert.Equal("card", (string)predict.Json["predictions"]![0]!["label"]!);

        string csv = WriteToyCsv(dir);
        var eval = CliRunner.Run([.. "eval --model minilm --episodes 2 --threads 1 --json".Split(' '), .. ToySplit(csv)]);
        Assert.True(eval.ExitCode == 0, eval.Stderr);
        Assert.Equal("minilm", (string)eval.Json["encoder"]!);
        var refused = CliRunner.Run([.. "eval --model minilm --encoder cnn --filters 8 --episodes 2 --threads 1".Split(' '), .. ToySplit(csv)]);
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("--encoder, --filters", refused.Stderr);
        var missing = CliRunner.Run("predict", "--model", Path.Combine(dir.Path, "minilm.ckpt"), "--support", support, "--text", "x y");
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("minilm.ckpt", missing.Stderr);
    }

    [Fact]
    public void PredictWithTheReadyMadeModelReadsLabelTextsWhenAskedAndATrainedModelRefusesThem()
    {
        using var dir = new TempDir();
        string support = dir.File("support.csv", "text,label\nwhere is my card,Q1\nbook a table for two,Q2\n");
        string names = dir.File("names.json", "{\"Q1\": \"card delivery\", \"Q2\": \"restaurant booking\"}");
        string[] common = ["predict", "--model", "minilm", "--support", support, "--text", "has my new card been sent", "--threads", "1", "--json"];
        double ProbabilityOfQ1(params string[] options)
        {
            var run = CliRunner.Run([.. common, .. options]);
            Assert.True(run.ExitCode == 0, run.Stderr);
            Assert.Equal("Q1", (string)run.Json["predictions"]![0]!["label"]!);
            return (double)run.Json["predictions"]![0]!["probabilities"]!["Q1"]!;
        }
        double plain = ProbabilityOfQ1();
        double named = ProbabilityOfQ1("--label-names", names);
        double weighed = ProbabilityOfQ1("--label-names", names, "--label-text-weight", "3");
        Assert.NotEqual(plain, named, 4); // the label texts joined the prototypes
        Assert.NotEqual(named, weighed, 4);

        string trained = CheckpointFiles.SaveSmallModel(Path.Combine(dir.Path, "small.ckpt"));
        var refused = CliRunner.Run("predict", "--model", trained, "--support", support, "--text", "x y", "--label-text", "--threads", "1");
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("--label-text", refused.Stderr);
        Assert.Contains("small.ckpt", refused.Stderr);
        var tooHeavy = CliRunner.Run([.. common, "--label-text-weight", "21"]);
        Assert.Equal(2, tooHeavy.ExitCode);
        Assert.Contains("--label-text-weight", tooHeavy.Stderr);
    }

    [Fact]
    public async Task CtrlCSavesTheStateAndSaysHowToResume()
    {
        using var dir = new TempDir();
        string csv = WriteToyCsv(dir);
        string output = Path.Combine(dir.Path, "run");
        var start = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string a in (string[])[Path.Combine(AppContext.BaseDirectory, "MetaNlp.Cli.dll"), .. "train --encoder boe --embedding-dim 16 --ways 3 --shots 2 --queries 2 --max-episodes 1000000 --val-every 0 --checkpoint-every 1000000 --threads 1 --out".Split(' '), output, .. ToySplit(csv)])
            start.ArgumentList.Add(a);
        using var process = System.Diagnostics.Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        // The metrics file appears with the first training-loss line (episode 10): training is under way.
        string metrics = Path.Combine(output, "metrics.jsonl");
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!(File.Exists(metrics) && new FileInfo(metrics).Length > 0) && waited.Elapsed < TimeSpan.FromMinutes(2) && !process.HasExited) Thread.Sleep(200);
        Assert.False(process.HasExited, "train ended before it was interrupted: " + (process.HasExited ? await stderr : ""));
        // A shell that starts a job in the background without job control makes it ignore SIGINT, the child inherits
        // that and .NET rightly keeps it (a background job is not Ctrl-C's target); there the polite stop is SIGTERM,
        // which takes the same path.
        string signal = SigIntIgnored() ? "-TERM" : "-INT";
        using (var kill = System.Diagnostics.Process.Start("kill", [signal, process.Id.ToString(CultureInfo.InvariantCulture)])) kill.WaitForExit();
        try
        {
            Assert.True(process.WaitForExit(TimeSpan.FromMinutes(2)), $"train did not stop after {signal}");
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
        string said = await stderr;
        Assert.True(process.ExitCode == 130, said);
        Assert.Contains("--resume", said);
        Assert.Contains("interrupted: the state is saved", said);
        long done = MetaNlp.Models.Checkpoint.ReadHeader(Path.Combine(output, "train-state.ckpt")).Progress!.EpisodesDone;
        Assert.True(done >= 10, $"only {done} episodes saved");

        var resumed = CliRunner.Run([.. "train --encoder boe --embedding-dim 16 --ways 3 --shots 2 --queries 2 --val-every 0 --threads 1 --json --resume --out".Split(' '), output,
            "--max-episodes", (done + 3).ToString(CultureInfo.InvariantCulture), .. ToySplit(csv)]);
        Assert.True(resumed.ExitCode == 0, resumed.Stderr);
        Assert.Equal(done + 3, (long)resumed.Json["episodes"]!);
    }

    // Whether this process ignores SIGINT (bit 2 of SigIgn in /proc/self/status), which its children inherit.
    private static bool SigIntIgnored()
    {
        string? line = File.Exists("/proc/self/status") ? File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal)) : null;
        return line is not null && (Convert.ToUInt64(line["SigIgn:".Length..].Trim(), 16) & 0x2) != 0;
    }

    [Fact]
    public void AConfigFileHoldsOptionsAndTheCommandLineWins()
    {
        using var dir = new TempDir();
        string csv = WriteToyCsv(dir);
        string config = dir.File("train.options", "# a small run\n--encoder boe\n--embedding-dim 16\n\n--max-episodes 3\n--val-every 0\n--train-classes " + string.Join(", ", ToyData.Classes(0, 7)) + "\n");
        var train = CliRunner.Run("train", "--dataset-file", csv, "--config", config, "--max-episodes", "2", "--threads", "1", "--json", "--out", Path.Combine(dir.Path, "run"));
        Assert.True(train.ExitCode == 0, train.Stderr);
        Assert.Equal("boe", (string)train.Json["encoder"]!);
        Assert.Equal(2, (int)train.Json["episodes"]!);

        string bad = dir.File("bad.options", "--encoder boe\nlr 0.1\n");
        var refused = CliRunner.Run("train", "--dataset-file", csv, "--config", bad);
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("bad.options, line 2", refused.Stderr);
    }

    [Fact]
    public void TheCnnStartsFromMiniLmsTokenTableAndKeepsItsTokenizerInTheCheckpoint()
    {
        using var dir = new TempDir();
        string csv = WriteToyCsv(dir);
        string[] data = ToySplit(csv);
        string output = Path.Combine(dir.Path, "pretrained");
        var train = CliRunner.Run([.. "train --encoder cnn --embeddings minilm --filters 8 --word-dropout 0.1 --ways 3 --shots 2 --queries 2 --max-episodes 4 --val-every 2 --val-episodes 2 --threads 1 --json --out".Split(' '), output, .. data]);
        Assert.True(train.ExitCode == 0, train.Stderr);
        string model = Path.Combine(output, "model.ckpt");
        string spec = System.Text.Json.JsonSerializer.Serialize(MetaNlp.Models.Checkpoint.ReadHeader(model).Spec, MetaNlp.Algorithms.LearnerRegistry.Json);
        foreach (string kept in new[] { "\"tokenizer\":\"wordpiece\"", "\"embeddings\":\"minilm\"", "\"embeddingDim\":384", "\"vocabulary\":[]" }) Assert.Contains(kept, spec);
        var eval = CliRunner.Run([.. "eval --episodes 3 --threads 1 --json --model".Split(' '), model, .. data]);
        Assert.True(eval.ExitCode == 0, eval.Stderr);

        var conflict = CliRunner.Run([.. "train --encoder cnn --embeddings minilm --embedding-dim 16 --max-episodes 2 --threads 1 --out".Split(' '), Path.Combine(dir.Path, "bad"), .. data]);
        Assert.NotEqual(0, conflict.ExitCode);
        Assert.Contains("384", conflict.Stderr);
    }

    [Fact]
    public void EntityPoolingTrainsOnEntityMarkedTextAndIsAClearErrorWithoutMarkers()
    {
        using var dir = new TempDir();
        // The toy texts as relation text: the first word is the head entity, the last the tail.
        var csv = new StringBuilder("text,label\n");
        foreach (var e in ToyData.Examples(classes: 12, perClass: 12))
        {
            var words = e.Text.Split(' ');
            csv.Append(CultureInfo.InvariantCulture, $"\"[E1] {words[0]} [/E1] {string.Join(' ', words[1..^1])} [E2] {words[^1]} [/E2]\",{e.Label}\n");
        }
        string[] data = ToySplit(dir.File("relations.csv", csv.ToString()));
        string output = Path.Combine(dir.Path, "entities");
        var train = CliRunner.Run([.. "train --encoder cnn --pooling entities --embedding-dim 16 --filters 8 --ways 3 --shots 2 --queries 2 --max-episodes 4 --val-every 2 --val-episodes 2 --threads 1 --json --out".Split(' '), output, .. data]);
        Assert.True(train.ExitCode == 0, train.Stderr);
        string model = Path.Combine(output, "model.ckpt");
        string spec = System.Text.Json.JsonSerializer.Serialize(MetaNlp.Models.Checkpoint.ReadHeader(model).Spec, MetaNlp.Algorithms.LearnerRegistry.Json);
        Assert.Contains("\"pooling\":\"entities\"", spec);
        var eval = CliRunner.Run([.. "eval --episodes 3 --threads 1 --json --model".Split(' '), model, .. data]);
        Assert.True(eval.ExitCode == 0, eval.Stderr);

        var unmarked = CliRunner.Run([.. "train --encoder cnn --pooling entities --max-episodes 2 --threads 1 --out".Split(' '), Path.Combine(dir.Path, "bad"), .. ToySplit(WriteToyCsv(dir))]);
        Assert.NotEqual(0, unmarked.ExitCode);
        Assert.Contains("[E1]", unmarked.Stderr);
        var unmarkedMiniLm = CliRunner.Run([.. "train --encoder minilm --pooling entities --max-episodes 2 --threads 1 --out".Split(' '), Path.Combine(dir.Path, "bad-minilm"), .. ToySplit(WriteToyCsv(dir))]);
        Assert.Equal(2, unmarkedMiniLm.ExitCode);
        Assert.Contains("[E1]", unmarkedMiniLm.Stderr);
    }

    [Fact]
    public void AMalformedDataFileIsAnErrorNamingTheFileAndLine()
    {
        using var dir = new TempDir();
        string csv = dir.File("bad.csv", "text,label\nhello,greet\n\"unterminated,greet\n");
        var r = CliRunner.Run("train", "--dataset-file", csv, "--train-classes", "greet", "--threads", "1");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("bad.csv", r.Stderr);
        Assert.Contains("line 3", r.Stderr);
    }

    [Fact]
    public void MaxTokensIsKeptInTheModelAResumeCannotChangeItAndItsBoundsAreExitTwo()
    {
        using var dir = new TempDir();
        string csv = WriteToyCsv(dir);
        string output = Path.Combine(dir.Path, "run");
        string[] train = ["train", .. ToySplit(csv), "--encoder", "boe", "--embedding-dim", "8", "--ways", "3", "--shots", "2", "--queries", "2",
            "--max-episodes", "4", "--val-every", "2", "--val-episodes", "2", "--threads", "1", "--out", output];
        var trained = CliRunner.Run([.. train, "--max-tokens", "2"]);
        Assert.True(trained.ExitCode == 0, trained.Stderr);
        Assert.Equal(2, MetaNlp.Models.Checkpoint.ReadHeader(Path.Combine(output, "model.ckpt")).Spec.TokenizerOptions.MaxLength);
        var changed = CliRunner.Run([.. train, "--max-tokens", "3", "--resume"]);
        Assert.Equal(2, changed.ExitCode);
        Assert.Contains("--max-tokens", changed.Stderr, StringComparison.Ordinal);

        string[] eval = ["eval", "--dataset-file", csv, "--test-classes", string.Join(',', ToyData.Classes(9, 12)), "--algo", "knn", "--episodes", "2", "--threads", "1"];
        foreach (var bad in new[] { "0", "8193" })
        {
            var outOfBounds = CliRunner.Run([.. eval, "--encoder", "boe", "--max-tokens", bad]);
            Assert.Equal(2, outOfBounds.ExitCode);
            Assert.Contains("--max-tokens", outOfBounds.Stderr, StringComparison.Ordinal);
        }
        // MiniLM has 512 learned positions: a longer cut would fail at the first long text, so it is refused before any weight loads.
        var tooLong = CliRunner.Run([.. eval, "--encoder", "minilm", "--max-tokens", "513"]);
        Assert.Equal(2, tooLong.ExitCode);
        Assert.Contains("at most 512 tokens", tooLong.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void BadOptionsAreClearErrors()
    {
        var unknownDataset = CliRunner.Run("train", "--dataset", "nope");
        Assert.NotEqual(0, unknownDataset.ExitCode);
        Assert.Contains("huffpost", unknownDataset.Stderr);

        var badAlgo = CliRunner.Run("train", "--dataset", "huffpost", "--algo", "magic");
        Assert.NotEqual(0, badAlgo.ExitCode);
        Assert.Contains("magic", badAlgo.Stderr + badAlgo.Stdout);

        var noData = CliRunner.Run("train");
        Assert.Equal(2, noData.ExitCode);
        Assert.Contains("--dataset", noData.Stderr);

        using var dir = new TempDir();
        var missingModel = CliRunner.Run("eval", "--model", Path.Combine(dir.Path, "none.ckpt"));
        Assert.Equal(2, missingModel.ExitCode);
        Assert.Contains("none.ckpt", missingModel.Stderr);

        var badSplit = CliRunner.Run("train", "--dataset-file", WriteToyCsv(dir), "--train-classes", "class0,class1,ghost", "--val-classes", "class2", "--test-classes", "class3");
        Assert.Equal(2, badSplit.ExitCode);
        Assert.Contains("ghost", badSplit.Stderr);

        var tooFew = CliRunner.Run("train", "--dataset-file", WriteToyCsv(dir), "--train-classes", "class0,class1,class2", "--shots", "10", "--queries", "5", "--ways", "3");
        Assert.Equal(2, tooFew.ExitCode);
        Assert.Contains("'class0' has 12 examples", tooFew.Stderr);

        // A user's file has no unlabelled texts: the self-supervised stage is refused before any training.
        var noUnlabeled = CliRunner.Run("train", "--dataset-file", WriteToyCsv(dir), "--train-classes", "class0,class1,class2", "--encoder", "cnn", "--word-dropout", "0.2",
            "--unlabeled-epochs", "1", "--out", Path.Combine(dir.Path, "run"));
        Assert.Equal(2, noUnlabeled.ExitCode);
        Assert.Contains("--unlabeled-epochs: ", noUnlabeled.Stderr, StringComparison.Ordinal);
        Assert.Contains("--unlabeled-file", noUnlabeled.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(dir.Path, "run", "model.ckpt")));
        string[] cnn = ["train", "--dataset-file", WriteToyCsv(dir), "--train-classes", "class0,class1,class2", "--encoder", "cnn", "--word-dropout", "0.2", "--out", Path.Combine(dir.Path, "run")];
        var unread = CliRunner.Run([.. cnn, "--unlabeled-file", dir.File("texts.txt", "one\ntwo\n")]);
        Assert.Equal(2, unread.ExitCode);
        Assert.Contains("error: --unlabeled-file: no stage reads it", unread.Stderr, StringComparison.Ordinal);
        var missing = CliRunner.Run([.. cnn, "--unlabeled-epochs", "1", "--unlabeled-file", Path.Combine(dir.Path, "none.txt")]);
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("none.txt", missing.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void AnUnlabeledFileTrainsTheEncoderAndJoinsTheVocabulary()
    {
        using var dir = new TempDir();
        string texts = dir.File("texts.txt", string.Join("\n", Enumerable.Range(0, 40).Select(i => $"unlabelledword{i % 7} and more words {i}")) + "\n\n");
        var run = CliRunner.Run("train", "--dataset-file", WriteToyCsv(dir), "--train-classes", "class0,class1,class2,class3,class4", "--encoder", "cnn", "--word-dropout", "0.2",
            "--unlabeled-epochs", "1", "--unlabeled-file", texts, "--contrastive-lr", "1e-3", "--max-episodes", "2", "--val-every", "0", "--threads", "1", "--out", Path.Combine(dir.Path, "run"));
        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.Contains("unlabeled contrastive stage: 1 epochs over 40 texts", run.Stderr, StringComparison.Ordinal);
        var spec = MetaNlp.Models.Checkpoint.ReadHeader(Path.Combine(dir.Path, "run", "model.ckpt")).Spec;
        Assert.Contains("unlabelledword3", spec.Vocabulary);
        Assert.Equal(1, spec.Training!.Contrastive!.UnlabeledEpochs);
    }

    [Fact]
    public void AMissingDatasetSaysWhichFileAndHowToDownloadIt()
    {
        using var dir = new TempDir();
        var r = CliRunner.Run("train", "--dataset", "huffpost", "--data-dir", dir.Path);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("huffpost.json", r.Stderr);
        Assert.Contains("metanlp datasets download huffpost", r.Stderr);
    }

    [RealDataFact]
    public void DatasetsListAndInfoDescribeTheRegistry()
    {
        var list = CliRunner.Run("datasets", "list", "--json");
        Assert.Equal(0, list.ExitCode);
        var names = list.Json["datasets"]!.AsArray().Select(d => (string)d!["name"]!).ToArray();
        Assert.Contains("huffpost", names);
        Assert.Contains("dnnc-banking77", names);
        Assert.True(list.Json["datasets"]!.AsArray().All(d => (bool)d!["present"]!), "every registry dataset is in the shared data folder");
        var info = CliRunner.Run("datasets", "info", "fewrel");
        Assert.Equal(0, info.ExitCode);
        Assert.Contains("val_wiki.json", info.Stdout);
        Assert.Contains("minilm: --algo protonet --distance cosine --encoder minilm --finetune-layers 4 --label-text --lr", info.Stdout);
        var recipes = CliRunner.Run("datasets", "info", "fewrel", "--json").Json["recipes"]!.AsArray();
        Assert.Equal("minilm", (string)recipes[0]!["encoder"]!);
        Assert.Contains("85.08", (string)recipes[0]!["evidence"]!);
    }

    [Fact]
    public void AResumedRunRefusesOtherDataAndOptionsNamingThemAndContinuesWithNone()
    {
        using var dir = new TempDir();
        string csv = WriteToyCsv(dir);
        string output = Path.Combine(dir.Path, "run");
        string[] Args(string options, params string[] data) => [.. options.Split(' '), "--out", output, .. data];
        var first = CliRunner.Run(Args("train --encoder cnn --embedding-dim 16 --filters 8 --ways 3 --shots 2 --queries 2 --max-episodes 4 --checkpoint-every 2 --val-every 2 --val-episodes 2 --threads 1", ToySplit(csv)));
        Assert.True(first.ExitCode == 0, first.Stderr);

        string[] otherSplit = ["--dataset-file", csv, "--train-classes", string.Join(',', ToyData.Classes(0, 6)), "--val-classes", string.Join(',', ToyData.Classes(6, 9)), "--test-classes", string.Join(',', ToyData.Classes(9, 12))];
        var split = CliRunner.Run(Args("train --resume --max-episodes 6 --threads 1", otherSplit));
        Assert.Equal(2, split.ExitCode);
        Assert.Contains("--train-classes", split.Stderr);
        var filters = CliRunner.Run(Args("train --resume --filters 9 --max-episodes 6 --threads 1", ToySplit(csv)));
        Assert.Equal(2, filters.ExitCode);
        Assert.Contains("--filters: the run has 8, this command 9", filters.Stderr);
        var shots = CliRunner.Run(Args("train --resume --shots 3 --max-episodes 6 --threads 1", ToySplit(csv)));
        Assert.Equal(2, shots.ExitCode);
        Assert.Contains("--shots", shots.Stderr);
        var labelText = CliRunner.Run(Args("train --resume --label-text --max-episodes 6 --threads 1", ToySplit(csv)));
        Assert.Equal(2, labelText.ExitCode);
        Assert.Contains("--label-text: the run has", labelText.Stderr);

        // Nothing but the data and a larger budget: everything else comes from the saved run.
        var resumed = CliRunner.Run(Args("train --resume --max-episodes 6 --threads 1 --json", ToySplit(csv)));
        Assert.True(resumed.ExitCode == 0, resumed.Stderr);
        Assert.Equal(6, (int)resumed.Json["episodes"]!);
        Assert.Equal("cnn", (string)resumed.Json["encoder"]!);
    }

    [Fact]
    public void TrainWithNoOptionsTakesTheRecipeAndAnExplicitOptionOverridesIt()
    {
        using var dir = new TempDir();
        string[] data = ToySplit(WriteToyCsv(dir));
        string output = Path.Combine(dir.Path, "defaults");
        var train = CliRunner.Run([.. "train --ways 3 --shots 2 --queries 2 --max-episodes 1 --val-episodes 2 --threads 1 --json --out".Split(' '), output, .. data]);
        Assert.True(train.ExitCode == 0, train.Stderr);
        Assert.Contains("recipe for minilm", train.Stderr);
        var spec = MetaNlp.Models.Checkpoint.ReadHeader(Path.Combine(output, "model.ckpt")).Spec;
        var general = MetaNlp.Training.TrainingRecipe.General[0];
        Assert.Equal(general.Encoder.Kind, spec.Encoder.Kind);
        Assert.Equal(general.Encoder.FineTuneLayers, spec.Encoder.FineTuneLayers);
        Assert.Equal(general.Algorithm, spec.Algorithm);
        Assert.Contains("\"distance\":\"Cosine\"", spec.AlgorithmOptions!.Value.GetRawText());
        Assert.Equal(general.Trainer.LearningRate, spec.Training!.Trainer!.LearningRate);
        Assert.Equal(general.Trainer.Patience, spec.Training.Trainer.Patience);

        string explicitOutput = Path.Combine(dir.Path, "explicit");
        var overridden = CliRunner.Run([.. "train --finetune-layers 1 --lr 0.01 --distance euclidean --ways 3 --shots 2 --queries 2 --max-episodes 1 --val-every 0 --threads 1 --json --out".Split(' '), explicitOutput, .. data]);
        Assert.True(overridden.ExitCode == 0, overridden.Stderr);
        var explicitSpec = MetaNlp.Models.Checkpoint.ReadHeader(Path.Combine(explicitOutput, "model.ckpt")).Spec;
        Assert.Equal(1, explicitSpec.Encoder.FineTuneLayers);
        Assert.Equal(0.01, explicitSpec.Training!.Trainer!.LearningRate);
        Assert.Equal(0, explicitSpec.Training.Trainer.ValidateEvery);
        Assert.Contains("\"distance\":\"SquaredEuclidean\"", explicitSpec.AlgorithmOptions!.Value.GetRawText());
    }

    [RealDataFact]
    public void AModelTrainedOnOtherEpisodesIsScoredByTheBenchmarksProtocolUnlessTheCommandLineSaysOtherwise()
    {
        using var dir = new TempDir();
        string output = Path.Combine(dir.Path, "run");
        var train = CliRunner.Run([.. "train --dataset huffpost --algo protonet --encoder boe --embedding-dim 8 --ways 3 --shots 2 --queries 2 --max-episodes 2 --val-every 0 --threads 1 --json --out".Split(' '), output]);
        Assert.True(train.ExitCode == 0, train.Stderr);
        string model = Path.Combine(output, "model.ckpt");
        var protocol = CliRunner.Run([.. "eval --episodes 2 --threads 1 --json --model".Split(' '), model]).Json;
        var huffpost = MetaNlp.Data.DatasetRegistry.Get("huffpost").Protocol.EpisodeShape;
        Assert.Equal(huffpost.Ways, (int)protocol["ways"]!);           // the published 5-way, not the training episodes' 3
        Assert.Equal(huffpost.Queries, (int)protocol["queries"]!);
        Assert.Equal(2, (int)protocol["shots"]!);                      // the shots the model was trained for
        var asked = CliRunner.Run([.. "eval --episodes 2 --ways 3 --queries 4 --threads 1 --json --model".Split(' '), model]).Json;
        Assert.Equal(3, (int)asked["ways"]!);
        Assert.Equal(4, (int)asked["queries"]!);
    }

    [RealDataFact]
    public void TheDnncProtocolAdaptsOnceAndScoresTheWholeTestSet()
    {
        var r = CliRunner.Run("eval", "--dataset", "dnnc-banking77", "--shots", "5", "--algo", "knn", "--encoder", "boe", "--embedding-dim", "32", "--threads", "1", "--json");
        Assert.True(r.ExitCode == 0, r.Stderr);
        var j = r.Json;
        Assert.Equal("AllClasses", (string)j["protocol"]!);
        Assert.Equal(77, (int)j["ways"]!);
        Assert.Equal(5, (int)j["shots"]!);
        Assert.Equal(3080, (int)j["queries"]!);
        // An untrained bag of random word vectors over the support vocabulary still matches words: far above 1/77.
        Assert.True((double)j["accuracy"]! > 10, $"accuracy {j["accuracy"]}");
    }

    [RealDataFact]
    public void ClincOutOfScopeRejectsAtAThresholdChosenOnValidationData()
    {
        var r = CliRunner.Run("eval", "--dataset", "dnnc-clinc150", "--shots", "5", "--algo", "protonet", "--distance", "cosine", "--encoder", "boe", "--embedding-dim", "32", "--threads", "1", "--json");
        Assert.True(r.ExitCode == 0, r.Stderr);
        var j = r.Json;
        Assert.Equal(150, (int)j["ways"]!);
        var oos = j["out_of_scope"]!;
        Assert.Equal(1000, (int)oos["oos_queries"]!);
        Assert.Equal((int)j["queries"]!, (int)oos["in_scope_queries"]!);
        // Rejection only takes predictions away: in-scope accuracy at the threshold is at most the plain accuracy.
        Assert.True((double)oos["in_scope_accuracy"]! <= (double)j["accuracy"]!, j.ToJsonString());
        Assert.True((double)oos["oos_recall"]! > 0, "a threshold above 0 rejects some out-of-scope queries");
        Assert.InRange((double)oos["threshold"]!, 0, 1);
    }

    [Fact]
    public void TheDemoMetaTrainsOnSomeIntentsAndThePretrainedEncoderClassifiesUnseenOnes()
    {
        using var dir = new TempDir();
        var r = CliRunner.Run("demo", "--max-episodes", "100", "--threads", "1", "--out", dir.Path, "--json");
        Assert.True(r.ExitCode == 0, r.Stderr);
        var j = r.Json;
        Assert.True(File.Exists((string)j["model"]!));
        Assert.True((int)j["trained_episodes"]! is > 0 and <= 100);
        // 5-way episodes of 6 intents never trained on: chance is 20 %.
        Assert.True((double)j["accuracy"]! > 30, j.ToJsonString());
        Assert.True((double)j["pretrained_accuracy"]! > 90, j.ToJsonString());
        Assert.Equal(12, j["predictions"]!.AsArray().Count);
        Assert.True((int)j["right"]! >= 11, $"the pretrained encoder got {j["right"]} of 12 unseen-intent sentences right");
    }

    [RealDataFact]
    public void AFixedSupportBenchmarkTrainsOnItsSupportSetSplitIntoEpisodes()
    {
        using var dir = new TempDir();
        var train = CliRunner.Run("train", "--dataset", "dnnc-banking77", "--shots", "5", "--algo", "protonet", "--distance", "cosine", "--encoder", "boe",
            "--embedding-dim", "16", "--ways", "10", "--max-episodes", "20", "--val-every", "10", "--val-episodes", "5", "--threads", "1", "--out", dir.Path, "--json");
        Assert.True(train.ExitCode == 0, train.Stderr);
        // train_5 holds 5 examples per intent: each episode uses 2 of a class's examples as support and 3 as queries.
        Assert.Equal((10, 2, 3, 20), ((int)train.Json["ways"]!, (int)train.Json["shots"]!, (int)train.Json["queries"]!, (int)train.Json["episodes"]!));
        Assert.NotNull(train.Json["best_validation_accuracy"]);
        var eval = CliRunner.Run("eval", "--model", Path.Combine(dir.Path, "model.ckpt"), "--threads", "1", "--json");
        Assert.True(eval.ExitCode == 0, eval.Stderr);
        Assert.Equal(("dnnc-banking77", "train_5", 77, 3080), ((string)eval.Json["dataset"]!, (string)eval.Json["support"]!, (int)eval.Json["ways"]!, (int)eval.Json["queries"]!));

        // --shots 10 trains on train_10 (5 + 5 of each intent's 10 per episode), and the model is evaluated with it.
        using var ten = new TempDir();
        var train10 = CliRunner.Run("train", "--dataset", "dnnc-banking77", "--shots", "10", "--algo", "protonet", "--distance", "cosine", "--encoder", "boe",
            "--embedding-dim", "16", "--ways", "10", "--max-episodes", "4", "--val-every", "2", "--val-episodes", "2", "--threads", "1", "--out", ten.Path, "--json");
        Assert.True(train10.ExitCode == 0, train10.Stderr);
        Assert.Equal((5, 5), ((int)train10.Json["shots"]!, (int)train10.Json["queries"]!));
        var eval10 = CliRunner.Run("eval", "--model", Path.Combine(ten.Path, "model.ckpt"), "--threads", "1", "--json");
        Assert.True(eval10.ExitCode == 0, eval10.Stderr);
        Assert.Equal(("train_10", 10), ((string)eval10.Json["support"]!, (int)eval10.Json["shots"]!));
    }

    [RealDataFact]
    public void FixedSupportValidationScoresEveryValidationUtteranceOnceEvenOfASmallClass()
    {
        // HWU64's valid part has 3 examples of iot_hue_lighton, fewer than a 2-shot 3-query episode of validation
        // utterances needed: validating with the whole support set against the valid part uses them as queries.
        using var dir = new TempDir();
        var train = CliRunner.Run("train", "--dataset", "dnnc-hwu64", "--shots", "5", "--algo", "protonet", "--distance", "cosine", "--encoder", "boe",
            "--embedding-dim", "16", "--ways", "10", "--max-episodes", "4", "--val-every", "2", "--val-episodes", "2", "--threads", "1", "--out", dir.Path, "--json");
        Assert.True(train.ExitCode == 0, train.Stderr);
        Assert.DoesNotContain("iot_hue_lighton", train.Stderr);
        Assert.NotNull(train.Json["best_validation_accuracy"]);
        var history = train.Json["history"]!.AsArray();
        Assert.Equal(3, history.Count);
        Assert.All(history, p => Assert.Equal(0, (double)p!["ci95"]!)); // one episode per validation, not the two asked for
    }
}
