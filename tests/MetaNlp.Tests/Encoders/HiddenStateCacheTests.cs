using System.Diagnostics;
using MetaNlp.Algorithms;
using MetaNlp.Data;
using MetaNlp.Encoders;
using MetaNlp.Pretrained;
using MetaNlp.Text;
using Xunit.Abstractions;
using TorchSharp;
using static TorchSharp.torch;

namespace MetaNlp.Tests.Encoders;

public class HiddenStateCacheTests(MiniLmFixture fixture, ITestOutputHelper output) : IClassFixture<MiniLmFixture>
{
    private static readonly Episode Banking = new(["card", "transfer", "weather"],
    [
        new TextExample("my card was declined at the shop", "card"), new TextExample("the card payment did not go through", "card"),
        new TextExample("send money to my sister's account", "transfer"), new TextExample("how do I transfer funds abroad", "transfer"),
        new TextExample("will it rain tomorrow", "weather"), new TextExample("what is the forecast for the weekend and the whole of next week", "weather"),
    ],
    [
        new TextExample("why was my card refused", "card"), new TextExample("wire 100 euros to John", "transfer"),
        new TextExample("is it going to be sunny", "weather"), new TextExample("my debit card does not work", "card"),
        new TextExample("move money between accounts", "transfer"), new TextExample("how cold will it be tonight", "weather"),
        new TextExample("my card was declined at the shop", "card"), // a support text again: one computation for both rows
    ]);

    [Theory]
    [InlineData(PrototypicalNetwork.Name, 2)]
    [InlineData(PrototypicalNetwork.Name, 5)]
    [InlineData(Maml.Name, 1)] // second order through the adapted top layer, with explicit weights
    [InlineData(ProtoMaml.Name, 2)]
    public void LossesAndGradientsAreTheSameWithAndWithoutTheCache(string algorithm, int fineTuneLayers)
    {
        using var scope = NewDisposeScope();
        var cached = fixture.Encoder(fineTuneLayers);
        var uncached = fixture.Encoder(fineTuneLayers);
        uncached.HiddenStates = new HiddenStateCache(limitBytes: 0);
        var options = LearnerRegistry.ToJson(new GradientLearnerOptions { InnerSteps = 2, InnerLearningRate = 0.1 });
        var withCache = LearnerRegistry.Create(algorithm, new TextEmbedder(fixture.Tokenizer, cached), algorithm == PrototypicalNetwork.Name ? null : options);
        var without = LearnerRegistry.Create(algorithm, new TextEmbedder(fixture.Tokenizer, uncached), algorithm == PrototypicalNetwork.Name ? null : options);

        var (expectedLoss, expectedGradients) = LossAndGradients(without);
        var (firstLoss, firstGradients) = LossAndGradients(withCache);   // fills the cache
        long computed = cached.BottomEncodedTexts;
        var (secondLoss, secondGradients) = LossAndGradients(withCache); // reads it
        int distinct = Banking.Support.Concat(Banking.Query).Select(e => e.Text).Distinct().Count();

        Assert.Equal(distinct, computed);
        Assert.Equal(computed, cached.BottomEncodedTexts); // the second pass ran no frozen layer
        Assert.Equal(distinct, cached.HiddenStates.Count);
        Assert.Equal(0, uncached.HiddenStates.Count);
        double worst = 0;
        foreach (var (loss, gradients) in new[] { (firstLoss, firstGradients), (secondLoss, secondGradients) })
        {
            worst = Math.Max(worst, Math.Abs(loss - expectedLoss));
            Assert.Equal(expectedGradients.Length, gradients.Length);
            for (int i = 0; i < gradients.Length; i++)
                worst = Math.Max(worst, gradients[i].sub(expectedGradients[i]).abs().max().item<float>());
        }
        output.WriteLine($"{algorithm}, top {fineTuneLayers} layers: loss {expectedLoss:F6}, {expectedGradients.Length} gradients, largest difference with the cache {worst:E2}");
        Assert.True(worst < 1e-5, $"the cache changed a loss or gradient by {worst}");
        Assert.True(expectedGradients.Sum(g => g.abs().sum().item<float>()) > 0);
    }

    [Fact]
    public void TheCacheRunsOnlyTheTrainedLayersSoATrainingStepIsFaster()
    {
        using var scope = NewDisposeScope();
        var cached = fixture.Encoder(1);
        var uncached = fixture.Encoder(1);
        uncached.HiddenStates = new HiddenStateCache(limitBytes: 0);
        var fast = new PrototypicalNetwork(new TextEmbedder(fixture.Tokenizer, cached));
        var slow = new PrototypicalNetwork(new TextEmbedder(fixture.Tokenizer, uncached));
        LossAndGradients(fast); // fill the cache and warm both up
        LossAndGradients(slow);
        double Seconds(IFewShotLearner learner)
        {
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < 3; i++) LossAndGradients(learner);
            return clock.Elapsed.TotalSeconds;
        }
        double without = Math.Min(Seconds(slow), Seconds(slow)), with = Math.Min(Seconds(fast), Seconds(fast));
        output.WriteLine($"3 ProtoNet steps, top layer trained: {without:F3} s without the cache, {with:F3} s with it ({without / with:F1}x)");
        Assert.True(with < without, $"with the cache {with} s, without {without} s");
    }

    [Fact]
    public void Float16StatesTakeHalfTheMemoryAndStayCloseToFloat32()
    {
        using var scope = NewDisposeScope();
        var exact = fixture.Encoder(2);
        var half = fixture.Encoder(2);
        half.HiddenStates = new HiddenStateCache(HiddenStateCache.DefaultLimitBytes, ScalarType.Float16);
        string[] texts = [.. Banking.Support.Select(e => e.Text)];
        using var batch = TokenBatch.From(fixture.Tokenizer, texts);
        using var noGrad = no_grad();
        var expected = exact.Forward(batch);
        var actual = half.Forward(batch);
        float difference = actual.sub(expected).abs().max().item<float>();
        output.WriteLine($"float16 hidden states: {half.HiddenStates.Bytes} bytes against {exact.HiddenStates.Bytes}; unit sentence vectors differ by {difference:E2}");
        Assert.Equal(exact.HiddenStates.Bytes, 2 * half.HiddenStates.Bytes);
        Assert.Equal(texts.Sum(t => fixture.Tokenizer.Encode(t).Length) * MiniLmWeights.HiddenSize * 4L, exact.HiddenStates.Bytes);
        Assert.True(difference < 2e-3, $"float16 states moved a sentence vector by {difference}");
        Assert.True(difference > 0); // they really are kept as float16
    }

    [Fact]
    public void AFullCacheWarnsOnceAndComputesTheRestInFull()
    {
        using var scope = NewDisposeScope();
        var reference = fixture.Encoder(2);
        reference.HiddenStates = new HiddenStateCache(limitBytes: 0);
        var encoder = fixture.Encoder(2);
        long oneText = fixture.Tokenizer.Encode(Banking.Support[0].Text).Length * MiniLmWeights.HiddenSize * 4L;
        encoder.HiddenStates = new HiddenStateCache(limitBytes: 2 * oneText);
        var warnings = new List<string>();
        encoder.Warning += warnings.Add;
        string[] texts = [.. Banking.Support.Select(e => e.Text)];
        using var batch = TokenBatch.From(fixture.Tokenizer, texts);
        using var noGrad = no_grad();
        var expected = reference.Forward(batch);
        var first = encoder.Forward(batch);
        var second = encoder.Forward(batch);

        Assert.True(encoder.HiddenStates.Bytes <= 2 * oneText);
        Assert.InRange(encoder.HiddenStates.Count, 1, 2);
        var warning = Assert.Single(warnings);
        Assert.Contains("full", warning);
        Assert.Contains("MiB", warning);
        Assert.Equal(texts.Length * 2 - encoder.HiddenStates.Count, encoder.BottomEncodedTexts); // texts left out ran again
        Assert.True(first.sub(expected).abs().max().item<float>() < 1e-5);
        Assert.True(second.sub(expected).abs().max().item<float>() < 1e-5);
    }

    [Fact]
    public void ChangedFrozenWeightsOrOtherTokenIdsNeverHitOldStates()
    {
        using var scope = NewDisposeScope();
        var encoder = fixture.Encoder(2);
        string[] texts = [.. Banking.Query.Take(4).Select(e => e.Text)];
        using var batch = TokenBatch.From(fixture.Tokenizer, texts);
        using var noGrad = no_grad();
        var before = encoder.Forward(batch);
        Assert.Equal(texts.Length, encoder.HiddenStates.Count);

        // A frozen bottom weight changes in place (as loading other weights would): the cache is emptied, not read.
        var bias = encoder.named_parameters().Single(p => p.name == "layers.1.output_bias").parameter;
        bias[7].add_(ScaledOne);
        var after = encoder.Forward(batch);
        var reference = fixture.Encoder(2);
        reference.HiddenStates = new HiddenStateCache(limitBytes: 0);
        reference.named_parameters().Single(p => p.name == "layers.1.output_bias").parameter[7].add_(ScaledOne);
        var expected = reference.Forward(batch);
        Assert.Equal(2 * texts.Length, encoder.BottomEncodedTexts);
        Assert.True(after.sub(expected).abs().max().item<float>() < 1e-5);
        Assert.True(after.sub(before).abs().max().item<float>() > 1e-4);

        // The same texts with other ids (one marker token more) are other keys.
        var marked = BertWordPieceTokenizer.MiniLm().WithEntityMarkerTokens();
        using var markedBatch = TokenBatch.From(marked, ["[E1] card [/E1] declined"]);
        using var plainBatch = TokenBatch.From(fixture.Tokenizer, ["[E1] card [/E1] declined"]);
        Assert.NotEqual(markedBatch.Length, plainBatch.Length);
        encoder.Forward(markedBatch);
        encoder.Forward(plainBatch);
        Assert.Equal(2 * texts.Length + 2, encoder.BottomEncodedTexts);
    }

    private static readonly Scalar ScaledOne = 1.0.ToScalar();

    private static (double Loss, Tensor[] Gradients) LossAndGradients(IFewShotLearner learner)
    {
        var trainable = learner.Module.parameters().Where(p => p.requires_grad).ToArray();
        foreach (var p in trainable) p.grad?.zero_();
        var loss = learner.EpisodeLoss(Banking);
        var gradients = autograd.grad([loss], trainable, allow_unused: true);
        return (loss.item<float>(), [.. gradients.Select((g, i) => g is null || g.IsInvalid ? zeros_like(trainable[i]) : g.detach())]);
    }
}
