using MetaNlp.Algorithms;
using MetaNlp.Data;
using MetaNlp.Encoders;
using MetaNlp.Models;
using MetaNlp.Tests.Encoders;
using MetaNlp.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace MetaNlp.Tests.Training;

public class ContrastiveTests(MiniLmFixture fixture) : IClassFixture<MiniLmFixture>
{
    [Fact]
    public void TheLossEqualsADirectSumOverAnchorsAndPositives()
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        var raw = randn(7, 5, dtype: ScalarType.Float64);
        var vectors = raw.div(raw.norm(1, keepdim: true));
        long[] labels = [0, 1, 0, 2, 1, 0, 3]; // class 3 has no positive: not an anchor, but a negative for the others
        const double temperature = 0.2;
        var v = vectors.data<double>().ToArray();
        double Dot(int i, int j) => Enumerable.Range(0, 5).Sum(k => v[i * 5 + k] * v[j * 5 + k]) / temperature;
        double total = 0;
        int anchors = 0;
        for (int i = 0; i < 7; i++)
        {
            var positives = Enumerable.Range(0, 7).Where(j => j != i && labels[j] == labels[i]).ToArray();
            if (positives.Length == 0) continue;
            double logSum = Math.Log(Enumerable.Range(0, 7).Where(a => a != i).Sum(a => Math.Exp(Dot(i, a))));
            total += -positives.Average(p => Dot(i, p) - logSum);
            anchors++;
        }
        double expected = total / anchors;
        double actual = SupervisedContrastiveLoss.Compute(vectors, tensor(labels), temperature).item<double>();
        Assert.Equal(expected, actual, 10);
    }

    [Fact]
    public void TheLossGradientMatchesFiniteDifferences()
    {
        using var scope = NewDisposeScope();
        manual_seed(5);
        var x = randn(6, 4, dtype: ScalarType.Float64).requires_grad_();
        var labels = tensor(new long[] { 0, 0, 1, 1, 2, 2 });
        Tensor Loss(Tensor input) => SupervisedContrastiveLoss.Compute(input.div(input.norm(1, keepdim: true)), labels, 0.5);
        var gradient = autograd.grad([Loss(x)], [x])[0];
        const double h = 1e-6;
        for (int row = 0; row < 6; row++)
        {
            for (int col = 0; col < 4; col++)
            {
                using var noGrad = no_grad();
                var plus = x.detach().clone();
                var minus = x.detach().clone();
                plus[row, col].add_(h.ToScalar());
                minus[row, col].sub_(h.ToScalar());
                double numeric = (Loss(plus).item<double>() - Loss(minus).item<double>()) / (2 * h);
                Assert.Equal(numeric, gradient[row, col].item<double>(), 6);
            }
        }
    }

    [Fact]
    public void ABatchWithoutAnyPositiveOrABadTemperatureIsAClearError()
    {
        using var scope = NewDisposeScope();
        var vectors = eye(3, dtype: ScalarType.Float32);
        Assert.Contains("positive", Assert.Throws<ArgumentException>(() => SupervisedContrastiveLoss.Compute(vectors, tensor(new long[] { 0, 1, 2 }), 0.1)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => SupervisedContrastiveLoss.Compute(vectors, tensor(new long[] { 0, 0, 1 }), 0));
    }

    [Fact]
    public void AnEpochHoldsEveryExampleOnceInBatchesOfFewClassesAndIsTheSameForTheSameSeed()
    {
        var examples = Enumerable.Range(0, 5).SelectMany(c => Enumerable.Range(0, 7 + c).Select(i => new TextExample($"text {c}-{i}", $"class{c}")))
            .Append(new TextExample("alone", "singleton")).ToArray(); // a class of one cannot form a pair: left out
        var batches = new ClassBalancedBatches(examples, classesPerBatch: 3, examplesPerClass: 4, seed: 1);
        var epoch = batches.Epoch(0);
        var seen = epoch.SelectMany(b => b).ToArray();
        Assert.Equal(seen.Length, seen.Distinct().Count());
        Assert.DoesNotContain(seen, e => e.Label == "singleton");
        // Each class of n examples loses at most one (a last group of one): 7, 8, 9, 10, 11 give 7 + 8 + 8 + 10 + 11.
        Assert.Equal(44, seen.Length);
        Assert.All(epoch, b => Assert.InRange(b.Count, 2, 12));
        Assert.All(epoch, b => Assert.True(b.GroupBy(e => e.Label).All(g => g.Count() >= 2)));
        Assert.Equal(epoch.Select(b => string.Join("|", b.Select(e => e.Text))), new ClassBalancedBatches(examples, 3, 4, 1).Epoch(0).Select(b => string.Join("|", b.Select(e => e.Text))));
        Assert.NotEqual(epoch.Select(b => b[0].Text), batches.Epoch(1).Select(b => b[0].Text));
        Assert.Throws<ArgumentException>(() => new ClassBalancedBatches([new TextExample("a", "x"), new TextExample("b", "x")], 2, 2, 0));
    }

    [Fact]
    public void TheStageTunesTheTrainableEncoderSoTheLossFallsAndNeedsTrainableWeights()
    {
        using var scope = NewDisposeScope();
        var embedder = new TextEmbedder(fixture.Tokenizer, fixture.Encoder(1));
        string[][] classes =
        [
            ["my card was declined", "the card payment failed", "card not working at the shop", "why was my card refused"],
            ["send money to my sister", "transfer funds abroad", "wire 100 euros to John", "move money between accounts"],
            ["will it rain tomorrow", "forecast for the weekend", "is it going to be sunny", "how cold will it be tonight"],
            ["play some jazz", "put on my workout playlist", "next song please", "turn the music up"],
        ];
        var examples = classes.SelectMany((texts, c) => texts.Select(t => new TextExample(t, $"c{c}"))).ToArray();
        var frozenBottom = embedder.Encoder.named_parameters().Where(p => !p.parameter.requires_grad).ToDictionary(p => p.name, p => p.parameter.detach().clone());
        var losses = ContrastiveTrainer.Train(embedder, examples, new ContrastiveOptions { Epochs = 6, ClassesPerBatch = 4, ExamplesPerClass = 4, LearningRate = 1e-4 }, seed: 7);
        Assert.Equal(6, losses.Count);
        Assert.True(losses[^1] < losses[0] - 0.05, $"contrastive loss per epoch: {string.Join(", ", losses)}");
        Assert.False(embedder.Encoder.training);
        foreach (var (name, parameter) in embedder.Encoder.named_parameters().Where(p => !p.parameter.requires_grad))
            Assert.True(parameter.equal(frozenBottom[name]).all().item<bool>(), $"{name} changed although frozen");

        var frozen = new TextEmbedder(fixture.Tokenizer, fixture.Encoder(0));
        var error = Assert.Throws<ArgumentException>(() => ContrastiveTrainer.Train(frozen, examples, new ContrastiveOptions { Epochs = 1 }, seed: 7));
        Assert.Contains("--finetune-layers", error.Message);
    }

    // Reviews in two moods, each text unlabelled; a word CNN's vectors are not unit length.
    internal static readonly string[] Reviews =
    [
        .. new[] { "great", "lovely", "fast", "perfect", "excellent", "cheap", "sturdy", "pretty" }.SelectMany(a => new[] { $"the {a} phone arrived today", $"a {a} case and {a} delivery" }),
        .. new[] { "broken", "late", "awful", "scratched", "fake", "noisy", "flimsy", "dirty" }.SelectMany(a => new[] { $"the {a} phone came back", $"an {a} box and {a} cable" }),
    ];

    internal static FewShotModel WordCnn(double wordDropout) =>
        FewShotModel.Create(FewShotModel.NewSpec("protonet", (object?)null, new EncoderOptions { Kind = CnnEncoder.KindName, WordDropout = wordDropout }, Reviews));

    [Fact]
    public void TheUnlabeledStageDrawsTwoViewsOfEachTextTogetherOnUnitVectors()
    {
        using var scope = NewDisposeScope();
        manual_seed(11);
        var model = WordCnn(0.3);
        var options = new ContrastiveOptions { UnlabeledEpochs = 8, UnlabeledTextsPerBatch = 8, LearningRate = 1e-3 };
        var losses = ContrastiveTrainer.TrainUnlabeled(model.Embedder, [.. Reviews, Reviews[0]], options, seed: 3);
        Assert.Equal(8, losses.Count);
        // 8 texts x 2 views: each anchor's softmax runs over 15 others, so unit vectors start near log 15 = 2.7; the
        // CNN's raw vectors (lengths in the tens) would start far above it, as the stage did before it normalised.
        Assert.InRange(losses[0], 0.5, 2 * Math.Log(15));
        Assert.True(losses[^1] < losses[0] - 0.2, $"loss per epoch: {string.Join(", ", losses)}");
        Assert.False(model.Embedder.Encoder.training);
    }

    [Fact]
    public void TheSupervisedStageNormalisesAWordEncodersVectors()
    {
        using var scope = NewDisposeScope();
        manual_seed(12);
        var model = WordCnn(0.1);
        var examples = Reviews.Select((t, i) => new TextExample(t, i < 16 ? "good" : "bad")).ToArray();
        var losses = ContrastiveTrainer.Train(model.Embedder, examples, new ContrastiveOptions { Epochs = 1, ClassesPerBatch = 2, ExamplesPerClass = 8, LearningRate = 1e-3 }, seed: 1);
        Assert.InRange(losses[0], 0.5, 2 * Math.Log(15));
    }

    [Fact]
    public void TheUnlabeledStageRefusesTooFewTextsAndAnEncoderWithoutRandomViews()
    {
        using var scope = NewDisposeScope();
        var options = new ContrastiveOptions { UnlabeledEpochs = 1 };
        var error = Assert.Throws<ArgumentException>(() => ContrastiveTrainer.TrainUnlabeled(WordCnn(0.3).Embedder, ["only this", "only this", " "], options, seed: 1));
        Assert.Contains("two distinct", error.Message, StringComparison.Ordinal);
        error = Assert.Throws<ArgumentException>(() => ContrastiveTrainer.TrainUnlabeled(WordCnn(0).Embedder, Reviews, options, seed: 1));
        Assert.Contains("--word-dropout", error.Message, StringComparison.Ordinal);
        Assert.Empty(ContrastiveTrainer.TrainUnlabeled(WordCnn(0).Embedder, [], new ContrastiveOptions(), seed: 1)); // no stage asked: nothing checked or run
        Assert.Throws<ArgumentOutOfRangeException>(() => new ContrastiveOptions { UnlabeledTextsPerBatch = 1 }.Validate());
    }

    [Fact]
    public void TheVocabularyTakesTheUnlabeledTextsOnlyWhenTheStageReadsThem()
    {
        var sources = new TrainingSources(new EpisodeSampler([new("a b", "x"), new("a", "x"), new("c d", "y"), new("c", "y")], ["x", "y"], new EpisodeSamplerOptions { Ways = 2, Shots = 1, Queries = 1 }, 1),
            null, ["a b", "c d"], null, new EpisodeSamplerOptions())
        {
            LabelledExamples = [],
            UnlabeledTexts = ["e f"],
        };
        Assert.Equal(["a b", "c d"], sources.VocabularyTextsFor(new ContrastiveOptions { Epochs = 2 }));
        Assert.Equal(["a b", "c d", "e f"], sources.VocabularyTextsFor(new ContrastiveOptions { UnlabeledEpochs = 1 }));
    }
}
