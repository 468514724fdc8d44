using MetaNlp.Generation;
using static TorchSharp.torch;

namespace MetaNlp.Tests.Generation;

[Collection(SerialCollection.Name)]
public class GenerationMetaTrainerTests
{
    private static readonly Seq2SeqOptions Tiny = new() { VocabularySize = 12, ModelDim = 16, Heads = 2, FeedForwardDim = 32, EncoderLayers = 1, DecoderLayers = 1 };

    // Toy "translation" tasks: task k writes each source symbol (ids 4–11) shifted by k places, so tasks share
    // structure (copy the sequence, change each symbol) and differ in the mapping.
    private static List<IReadOnlyList<EncodedPair>> ShiftTasks(int[] shifts, int examples, int seed)
    {
        var random = new Random(seed);
        return [.. shifts.Select(k => (IReadOnlyList<EncodedPair>)[.. Enumerable.Range(0, examples).Select(_ =>
        {
            var source = Enumerable.Range(0, random.Next(2, 5)).Select(_ => 4 + random.Next(8)).ToArray();
            return new EncodedPair(source, [.. source.Select(s => 4 + (s - 4 + k) % 8)]);
        })])];
    }

    [Theory]
    [InlineData(GenerationMetaAlgorithm.Maml, 0.5)]
    [InlineData(GenerationMetaAlgorithm.Fomaml, 0.5)]
    [InlineData(GenerationMetaAlgorithm.Reptile, 0.5)]
    [InlineData(GenerationMetaAlgorithm.MultiTask, 0.5)]
    [InlineData(GenerationMetaAlgorithm.Fomaml, 0.01, GenerationMetaOptions.Adam)]
    [InlineData(GenerationMetaAlgorithm.Reptile, 0.01, GenerationMetaOptions.Adam)]
    [InlineData(GenerationMetaAlgorithm.MultiTask, 0.01, GenerationMetaOptions.Adam)]
    public void MetaStepsLowerTheAdaptedQueryLoss(GenerationMetaAlgorithm algorithm, double outerRate, string outer = GenerationMetaOptions.Sgd)
    {
        using var scope = NewDisposeScope();
        var model = new Seq2SeqTransformer(Tiny);
        var weights = model.InitialWeights(seed: 11);
        var train = ShiftTasks([0, 1, 2, 3], 40, seed: 1);
        var options = new GenerationMetaOptions { Algorithm = algorithm, OuterOptimizer = outer, OuterLearningRate = outerRate, InnerLearningRate = 0.1, TasksPerStep = 2, SupportSize = 8, QuerySize = 8, InnerSteps = 1 };
        var before = GenerationMetaTrainer.AdaptedQueryLoss(model, weights, train, options);
        var random = new Random(2);
        using var adam = new GenerationOuterAdam(weights);
        for (var step = 0; step < 25; step++) GenerationMetaTrainer.Step(model, weights, train, options, random, adam);
        var after = GenerationMetaTrainer.AdaptedQueryLoss(model, weights, train, options);
        Assert.True(after < before - 0.1, $"{algorithm}: adapted query loss {before:F3} → {after:F3}");
    }

    [Fact]
    public void TaskTooSmallForAStepIsRejected()
    {
        using var scope = NewDisposeScope();
        var model = new Seq2SeqTransformer(Tiny);
        var weights = model.InitialWeights(seed: 1);
        var e = Assert.Throws<ArgumentException>(() => GenerationMetaTrainer.Step(model, weights, ShiftTasks([0], 10, 1), new GenerationMetaOptions(), new Random(1)));
        Assert.Contains("task 0 has 10 examples", e.Message, StringComparison.Ordinal);
    }
}
