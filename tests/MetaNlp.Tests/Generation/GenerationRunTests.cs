using System.Text.Json.Nodes;
using MetaNlp.Generation;
using MetaNlp.Interop;
using MetaNlp.Tests.Data;
using static TorchSharp.torch;

namespace MetaNlp.Tests.Generation;

[Collection(SerialCollection.Name)]
public class GenerationRunTests
{
    private static readonly string[] Letters = ["a", "b", "c", "d", "e", "f", "g", "h"];

    // Toy translation tasks as text: task k writes each source letter shifted by k places (a shift cipher).
    internal static List<GenerationTask> ShiftTasks(int[] shifts, int examples, int seed)
    {
        var random = new Random(seed);
        return [.. shifts.Select(k => new GenerationTask($"shift{k}", GenerationTaskFamily.Translation, [.. Enumerable.Range(0, examples).Select(_ =>
        {
            var source = Enumerable.Range(0, random.Next(2, 5)).Select(_ => random.Next(8)).ToArray();
            return new GenerationPair(string.Join(' ', source.Select(s => Letters[s])), string.Join(' ', source.Select(s => Letters[(s + k) % 8])));
        })]))];
    }

    internal static GenerationModel TinyModel(int seed = 3) =>
        GenerationModel.Create(BpeTrainer.Train(Letters, new BpeTrainerOptions { MergeCount = 0 }),
            new Seq2SeqOptions { ModelDim = 16, Heads = 2, FeedForwardDim = 32, EncoderLayers = 1, DecoderLayers = 1 }, GenerationTaskFamily.Translation, seed);

    private static GenerationRunOptions Options(int steps, string outer = GenerationMetaOptions.Sgd) => new()
    {
        Steps = steps,
        CheckpointEvery = 2,
        Seed = 5,
        Meta = new GenerationMetaOptions
        {
            Algorithm = GenerationMetaAlgorithm.Fomaml,
            TasksPerStep = 2,
            SupportSize = 4,
            QuerySize = 4,
            InnerLearningRate = 0.1,
            OuterOptimizer = outer,
            OuterLearningRate = outer == GenerationMetaOptions.Adam ? 0.01 : 0.3,
        },
    };

    private static List<(string, IReadOnlyList<EncodedPair>)> Encoded(GenerationModel model, IEnumerable<GenerationTask> tasks) =>
        [.. tasks.Select(t => (t.Name, model.Encode(t.Pairs)))];

    [Theory]
    [InlineData(GenerationMetaOptions.Sgd)]
    [InlineData(GenerationMetaOptions.Adam)] // the moments are saved with the weights and read back on resume
    public void AResumedRunEqualsAnUninterruptedOne(string outer)
    {
        using var scope = NewDisposeScope();
        using var dir = new TempDir();
        var tasks = ShiftTasks([0, 1, 2], 20, seed: 1);
        GenerationRunOptions Options(int steps) => GenerationRunTests.Options(steps, outer);

        var straight = TinyModel();
        var straightState = GenerationRun.Train(straight, Encoded(straight, tasks), Options(6), Path.Combine(dir.Path, "straight.safetensors"));

        // Stopped after 3 steps (cancelled through the token, as Ctrl-C does), then resumed from the saved file alone.
        var stopped = TinyModel();
        var path = Path.Combine(dir.Path, "resumed.safetensors");
        using var cancel = new CancellationTokenSource();
        Assert.Throws<OperationCanceledException>(() => GenerationRun.Train(stopped, Encoded(stopped, tasks), Options(6), path,
            onStep: (step, _) => { if (step == 3) cancel.Cancel(); }, cancellation: cancel.Token));
        var (loaded, state) = GenerationModel.Load(path);
        Assert.NotNull(state);
        Assert.Equal(3, state.StepsDone);
        var resumedState = GenerationRun.Train(loaded, Encoded(loaded, tasks), state.Options with { Steps = 6 }, path, state);

        Assert.Equal(6, resumedState.StepsDone);
        Assert.Equal(straightState.LastLoss, resumedState.LastLoss);
        foreach (var (name, value) in straight.Weights)
            Assert.True(value.allclose(loaded.Weights[name], rtol: 0, atol: 0), $"weight {name} differs after resuming");
        // And the resumed run differs from the start, so the comparison above is not between two untouched models.
        Assert.False(straight.Weights["embed"].allclose(TinyModel().Weights["embed"], rtol: 0, atol: 0));
    }

    [Fact]
    public void OuterAdamStepsEqualTorchAdams()
    {
        using var scope = NewDisposeScope();
        var model = TinyModel();
        var weights = model.Weights.Select((_, w) => w.detach().clone());
        var parameters = weights.Tensors.Select(w => new TorchSharp.Modules.Parameter(w.detach().clone())).ToArray();
        using var reference = TorchSharp.torch.optim.Adam(parameters, lr: 0.01);
        using var adam = new GenerationOuterAdam(weights);
        var generator = new Generator(11);
        for (var step = 0; step < 3; step++)
        {
            var gradients = weights.Tensors.Select(w => randn(w.shape, generator: generator)).ToArray();
            adam.Update(weights, gradients, 0.01);
            reference.zero_grad();
            for (var i = 0; i < parameters.Length; i++) parameters[i].grad = gradients[i].clone();
            reference.step();
        }
        Assert.Equal(3, adam.StepCount);
        for (var i = 0; i < parameters.Length; i++)
            Assert.True(weights[i].Value.allclose(parameters[i], rtol: 1e-5, atol: 1e-7), $"{weights[i].Key} differs from torch.optim.Adam's");
        Assert.False(weights["embed"].allclose(model.Weights["embed"]));
    }

    // A run of two SGD steps over two shift tasks, saved in the folder.
    private static (GenerationModel Model, List<GenerationTask> Tasks, string Path, GenerationRunState State) TwoSgdSteps(TempDir dir)
    {
        var tasks = ShiftTasks([0, 1], 20, seed: 1);
        var model = TinyModel();
        var path = Path.Combine(dir.Path, "m.safetensors");
        return (model, tasks, path, GenerationRun.Train(model, Encoded(model, tasks), Options(2), path));
    }

    [Fact]
    public void AnAdamRunWithoutItsMomentsIsRefusedByName()
    {
        using var scope = NewDisposeScope();
        using var dir = new TempDir();
        var (model, tasks, path, state) = TwoSgdSteps(dir);
        // The file holds an SGD run (no moments); told it was an Adam run, resuming names the file and the missing moment.
        var adamState = state with { Options = Options(2, GenerationMetaOptions.Adam) };
        var error = Assert.Throws<InvalidDataException>(() => GenerationRun.Train(model, Encoded(model, tasks), Options(4, GenerationMetaOptions.Adam), path, adamState));
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains(GenerationOuterAdam.MomentPrefix, error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => GenerationMetaTrainer.Step(model.Transformer, model.Weights, [.. Encoded(model, tasks).Select(t => t.Item2)],
            Options(1, GenerationMetaOptions.Adam).Meta, new Random(1)));
    }

    [Fact]
    public void ARunSavedBeforeTheOuterOptimizerOptionResumesAsSgd()
    {
        using var scope = NewDisposeScope();
        using var dir = new TempDir();
        var model = TinyModel();
        var path = Path.Combine(dir.Path, "m.safetensors");
        GenerationRun.Train(model, Encoded(model, ShiftTasks([0, 1], 20, seed: 1)), Options(1), path);
        // The same file as an older version wrote it: no outerOptimizer in the run's options.
        Dictionary<string, string> metadata;
        using (var file = SafetensorsFile.Open(path)) metadata = new(file.Metadata);
        var run = JsonNode.Parse(metadata[GenerationModel.RunKey])!;
        Assert.True(run["options"]!["meta"]!.AsObject().Remove("outerOptimizer"));
        metadata[GenerationModel.RunKey] = run.ToJsonString();
        var old = Path.Combine(dir.Path, "old.safetensors");
        Safetensors.Write(old, model.Weights, metadata);
        Assert.Equal(GenerationMetaOptions.Sgd, GenerationModel.Load(old).Run!.Options.Meta.OuterOptimizer);
    }

    [Fact]
    public void ResumingWithOtherTasksOrOptionsIsRefused()
    {
        using var scope = NewDisposeScope();
        using var dir = new TempDir();
        var (model, tasks, path, state) = TwoSgdSteps(dir);
        var other = Assert.Throws<ArgumentException>(() => GenerationRun.Train(model, Encoded(model, ShiftTasks([0, 3], 20, 1)), Options(4), path, state));
        Assert.Contains("shift0, shift1", other.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => GenerationRun.Train(model, Encoded(model, tasks), Options(4) with { Seed = 6 }, path, state));
    }

    [Fact]
    public void SaveAndLoadKeepVocabularyOptionsAndWeights()
    {
        using var scope = NewDisposeScope();
        using var dir = new TempDir();
        var vocabulary = BpeTrainer.Train(["low low lower newest widest", "Newest wider"], new BpeTrainerOptions { MergeCount = 10, LowerCase = true });
        var model = GenerationModel.Create(vocabulary, new Seq2SeqOptions { ModelDim = 8, Heads = 2, FeedForwardDim = 8, EncoderLayers = 1, DecoderLayers = 2 }, GenerationTaskFamily.Nlg, 9);
        var path = Path.Combine(dir.Path, "model.safetensors");
        model.Save(path);
        var (loaded, run) = GenerationModel.Load(path);
        Assert.Null(run);
        Assert.Equal(GenerationTaskFamily.Nlg, loaded.Family);
        Assert.Equal(model.Transformer.Options, loaded.Transformer.Options);
        Assert.Equal(vocabulary.Count, loaded.Vocabulary.Count);
        Assert.True(loaded.Vocabulary.LowerCase);
        Assert.Equal(vocabulary.Encode("the lowest Widest"), loaded.Vocabulary.Encode("the lowest Widest"));
        foreach (var (name, value) in model.Weights) Assert.True(value.allclose(loaded.Weights[name], rtol: 0, atol: 0), name);
    }

    [Fact]
    public void AFileThatIsNotAGenerationModelIsRefusedByName()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "plain.safetensors");
        using (var t = zeros(2))
            MetaNlp.Interop.Safetensors.Write(path, [new("x", t)]);
        var e = Assert.Throws<InvalidDataException>(() => GenerationModel.Load(path));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AdaptationLowersTheHeldOutSupportLossAndLeavesTheStartWeights()
    {
        using var scope = NewDisposeScope();
        var model = TinyModel();
        var heldOut = ShiftTasks([5], 24, seed: 4)[0];
        var support = model.Encode(heldOut.Pairs.Take(16));
        var embedBefore = model.Weights["embed"].clone();
        var before = GenerationAdapter.Loss(model.Transformer, model.Weights, support);
        var adapted = GenerationAdapter.Adapt(model.Transformer, model.Weights, support, new GenerationAdaptationOptions { Steps = 30, BatchSize = 8, LearningRate = 0.3 });
        var after = GenerationAdapter.Loss(model.Transformer, adapted, support);
        Assert.True(after < before - 0.3, $"support loss {before:F3} → {after:F3}");
        Assert.True(model.Weights["embed"].allclose(embedBefore, rtol: 0, atol: 0), "adaptation changed the start weights");
    }

    [Fact]
    public void AdaptAndEvaluateDecodesAndScoresTheTestPairs()
    {
        using var scope = NewDisposeScope();
        var model = TinyModel();
        var task = ShiftTasks([0], 60, seed: 8)[0];
        // The identity task: 200 Adam steps on 50 pairs teach the tiny model much of it, so the decoded outputs score
        // well above those of the unadapted model (0 steps), and the scores are those of the outputs returned.
        GenerationPair[] support = [.. task.Pairs.Take(50)], test = [.. task.Pairs.Skip(50)];
        var decoding = new GenerationDecodeOptions { Beam = 2, MaxLength = 8 };
        var adaptation = new GenerationAdaptationOptions { Steps = 200, BatchSize = 16, LearningRate = 0.01, Optimizer = "adam" };
        var result = GenerationEvaluator.AdaptAndEvaluate(model, support, test, adaptation, decoding);
        var unadapted = GenerationEvaluator.AdaptAndEvaluate(model, support, test, adaptation with { Steps = 0 }, decoding);
        Assert.Equal(10, result.Scores.Count);
        Assert.Equal(10, result.Outputs.Count);
        Assert.Equal(GenerationEvaluator.Score(GenerationTaskFamily.Translation, test, result.Outputs, lowerCase: false), result.Scores);
        Assert.True(result.SupportLossAfter < result.SupportLossBefore - 0.5, $"support loss {result.SupportLossBefore:F3} → {result.SupportLossAfter:F3}");
        Assert.Equal(result.SupportLossBefore, unadapted.SupportLossAfter, 9);
        Assert.True(result.Scores.ChrF > unadapted.Scores.ChrF + 10, $"chrF {unadapted.Scores.ChrF:F1} → {result.Scores.ChrF:F1}: {string.Join(" | ", result.Outputs)}");
        Assert.Null(result.Scores.SlotErrorRate);
        Assert.Null(result.Scores.Rouge1);
    }

    [Fact]
    public void ScoresFollowTheFamily()
    {
        GenerationPair[] nlg = [new("inform(name='red lion';area=centre)", "The Red Lion is in the centre.")];
        var ser = GenerationEvaluator.Score(GenerationTaskFamily.Nlg, nlg, ["the red lion is nice ."], lowerCase: true);
        Assert.Equal(50.0, ser.SlotErrorRate); // "centre" is missing: 1 of 2 slots.
        Assert.True(ser.LowerCased);
        var sum = GenerationEvaluator.Score(GenerationTaskFamily.Summarization, [new("thread", "the cat sat")], ["the cat sat"], lowerCase: false);
        Assert.Equal(100.0, sum.Rouge1!.Value, 9);
        Assert.Equal(100.0, sum.RougeL!.Value, 9);
        var exact = GenerationEvaluator.Score(GenerationTaskFamily.Translation, [new("x", "Hello there, my friend.")], ["hello there, my friend."], lowerCase: true);
        Assert.Equal(100.0, exact.Bleu, 6);
        Assert.Throws<ArgumentException>(() => GenerationEvaluator.Score(GenerationTaskFamily.Translation, nlg, ["a", "b"], false));
    }
}
