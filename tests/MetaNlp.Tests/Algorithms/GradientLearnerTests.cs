using MetaNlp.Algorithms;
using MetaNlp.Data;
using MetaNlp.Encoders;
using MetaNlp.Evaluation;
using MetaNlp.Functional;
using MetaNlp.Models;
using MetaNlp.Tests.Data;
using MetaNlp.Tests.Functional;
using MetaNlp.Training;
using MetaNlp.Workarounds;
using TorchSharp;
using static TorchSharp.torch;

namespace MetaNlp.Tests.Algorithms;

// Seeded training on toy data: LibTorch's generator is one per process, and a test class running beside this one
// would draw from it between the seed and the weights it fixes, so the accuracy these tests assert would vary by run.
[Collection(SerialCollection.Name)]
public class GradientLearnerTests
{
    private static readonly IReadOnlyList<TextExample> Pool = ToyData.Examples(classes: 40, perClass: 12);
    private static readonly EpisodeSamplerOptions Shape = new() { Ways = 3, Shots = 2, Queries = 3 };
    private static readonly EncoderOptions Tiny = new() { Kind = "cnn", EmbeddingDim = 5, Filters = 3, FilterWidths = [2, 3] };

    internal static FewShotModel NewModel(string algorithm, GradientLearnerOptions options, EncoderOptions? encoder = null, int seed = 5, bool float64Weights = false)
    {
        manual_seed(seed);
        var spec = FewShotModel.NewSpec(algorithm, LearnerRegistry.ToJson(options), encoder ?? Tiny,
            Pool.Where(e => ToyData.Classes(0, 24).Contains(e.Label)).Select(e => e.Text));
        var model = FewShotModel.Create(spec);
        if (float64Weights) model.Learner.Module.to(float64);
        return model;
    }

    private static GradientLearner Learner(FewShotModel model) => (GradientLearner)model.Learner;

    private static Episode TrainEpisode(int index = 0) => new EpisodeSampler(Pool, ToyData.Classes(0, 24), Shape, 21).Sample(index);

    private static void RandomiseHead(GradientLearner learner)
    {
        using var noGrad = no_grad();
        learner.Network.HeadWeight?.copy_(randn_like(learner.Network.HeadWeight).mul(0.5));
        learner.Network.HeadBias?.fill_(0.3);
    }

    private static double[] Flat(IEnumerable<Tensor> tensors) => tensors.SelectMany(t => t.detach().to(float64).flatten().data<double>().ToArray()).ToArray();

    private static double RelativeError(double[] a, double[] b) =>
        Math.Sqrt(a.Zip(b, (x, y) => (x - y) * (x - y)).Sum()) / Math.Max(1e-12, Math.Sqrt(b.Sum(y => y * y)));

    [Theory]
    [InlineData(Maml.Name)]
    [InlineData(ProtoMaml.Name)]
    [InlineData(MetaSgd.Name)]
    public void SecondOrderMetaGradientMatchesFiniteDifferences(string algorithm)
    {
        using var scope = NewDisposeScope();
        var learner = Learner(NewModel(algorithm, new GradientLearnerOptions { InnerSteps = 2, InnerLearningRate = 0.3 }, float64Weights: true));
        RandomiseHead(learner);
        var episode = TrainEpisode();
        var parameters = learner.Module.parameters().ToArray();
        double[] analytic = Flat(autograd.grad([learner.EpisodeLoss(episode)], parameters));

        // Central differences on a sample of coordinates of every parameter (all of the small ones).
        var random = new Random(3);
        var numeric = new List<double>();
        var picked = new List<double>();
        long offset = 0;
        foreach (var parameter in parameters)
        {
            long n = parameter.numel();
            var indices = n <= 40 ? Enumerable.Range(0, (int)n).Select(i => (long)i) : Enumerable.Range(0, 40).Select(_ => random.NextInt64(n));
            foreach (long i in indices)
            {
                const double h = 1e-6;
                double original = DifferentiableOptimizerTests.Get(parameter, i);
                DifferentiableOptimizerTests.Set(parameter, i, original + h);
                double plus = learner.EpisodeLoss(episode).item<double>();
                DifferentiableOptimizerTests.Set(parameter, i, original - h);
                double minus = learner.EpisodeLoss(episode).item<double>();
                DifferentiableOptimizerTests.Set(parameter, i, original);
                numeric.Add((plus - minus) / (2 * h));
                picked.Add(analytic[offset + i]);
            }
            offset += n;
        }
        Assert.True(numeric.Count(v => Math.Abs(v) > 1e-6) > 20, "the sample must hold coordinates the loss depends on");
        double error = RelativeError([.. picked], [.. numeric]);
        Assert.True(error < 1e-4, $"{algorithm}: relative error {error:E2} between the meta-gradient and finite differences");
    }

    [Fact]
    public void FirstOrderMamlDiffersFromSecondOrderOnlyByTheHessianTerms()
    {
        using var scope = NewDisposeScope();
        var options = new GradientLearnerOptions { InnerSteps = 1, InnerLearningRate = 0.5 };
        var second = Learner(NewModel(Maml.Name, options, float64Weights: true));
        var first = Learner(NewModel(Maml.FirstOrderName, options, float64Weights: true));
        RandomiseHead(second);
        RandomiseHead(first);
        Assert.Equal(Maml.FirstOrderName, first.Algorithm);
        var episode = TrainEpisode();
        var gSecond = Flat(autograd.grad([second.EpisodeLoss(episode)], second.Module.parameters().ToArray()));
        var gFirst = Flat(autograd.grad([first.EpisodeLoss(episode)], first.Module.parameters().ToArray()));
        double difference = RelativeError(gFirst, gSecond);
        Assert.True(difference > 1e-3, $"first and second order must differ here (relative difference {difference:E2})");
        Assert.True(difference < 1, $"first order should approximate second order (relative difference {difference:E2})");
    }

    [Theory]
    [MemberData(nameof(GradientAlgorithms))]
    public void FirstOrderMetaGradientsReachEveryMetaParameter(string algorithm)
    {
        // Steps share the task's start (and ANIL's features), so the inner gradients must not free that graph.
        using var scope = NewDisposeScope();
        var learner = Learner(NewModel(algorithm, new GradientLearnerOptions { InnerSteps = 3, InnerLearningRate = 0.3, FirstOrder = true }));
        RandomiseHead(learner);
        var parameters = learner.Module.named_parameters().ToArray();
        var grads = autograd.grad([learner.EpisodeLoss(TrainEpisode(3))], parameters.Select(p => (Tensor)p.parameter).ToArray(), allow_unused: true);
        for (int i = 0; i < parameters.Length; i++)
        {
            Assert.False(grads[i].IsInvalid, $"{algorithm}: no meta-gradient for '{parameters[i].name}'");
            Assert.True(grads[i].isfinite().all().item<bool>(), $"{algorithm}: meta-gradient of '{parameters[i].name}' is not finite");
        }
    }

    [Fact]
    public void TaskLocalEmbeddingRowsGiveTheSameMetaGradientAsTheWholeTable()
    {
        using var scope = NewDisposeScope();
        var options = new GradientLearnerOptions { InnerSteps = 3, InnerLearningRate = 0.3 };
        var local = Learner(NewModel(Maml.Name, options, float64Weights: true));
        var whole = Learner(NewModel(Maml.Name, options with { TaskLocalEmbeddings = false }, float64Weights: true));
        RandomiseHead(local);
        manual_seed(5);
        RandomiseHead(whole);
        using (no_grad()) whole.Network.HeadWeight!.copy_(local.Network.HeadWeight!);
        var episode = TrainEpisode(2);
        var lossLocal = local.EpisodeLoss(episode);
        var lossWhole = whole.EpisodeLoss(episode);
        Assert.Equal(lossWhole.item<double>(), lossLocal.item<double>(), 1e-12);
        var gLocal = Flat(autograd.grad([lossLocal], local.Module.parameters().ToArray()));
        var gWhole = Flat(autograd.grad([lossWhole], whole.Module.parameters().ToArray()));
        Assert.True(RelativeError(gLocal, gWhole) < 1e-10, $"relative difference {RelativeError(gLocal, gWhole):E2}");
    }

    [Fact]
    public void AnilAdaptsOnlyTheHeadAndMamlAdaptsTheEncoderToo()
    {
        using var scope = NewDisposeScope();
        var support = TrainEpisode().Support;
        var anil = Learner(NewModel(Anil.Name, new GradientLearnerOptions { InnerLearningRate = 0.5 }));
        Assert.Equal([GradientNetwork.HeadWeightName, GradientNetwork.HeadBiasName], anil.AdaptedNames);
        var (_, anilWeights) = anil.AdaptWeights(support);
        foreach (var (name, meta) in anil.Embedder.Encoder.named_parameters())
            Assert.True(anilWeights[name].equal(meta).all().item<bool>(), $"ANIL changed encoder weight '{name}' in the inner loop");
        Assert.True(anilWeights[GradientNetwork.HeadWeightName].abs().sum().item<float>() > 0, "ANIL's head did not move from its zero start");

        var maml = Learner(NewModel(Maml.Name, new GradientLearnerOptions { InnerLearningRate = 0.5 }));
        var (_, mamlWeights) = maml.AdaptWeights(support);
        var table = maml.Embedder.Encoder.named_parameters().Single(p => p.name == "embedding").parameter;
        var changedRows = mamlWeights["embedding"].sub(table).abs().sum(dim: 1).gt(0).nonzero().flatten().data<long>().ToHashSet();
        var supportIds = support.SelectMany(e => maml.Embedder.Tokenizer.Encode(e.Text)).Select(i => (long)i).ToHashSet();
        Assert.NotEmpty(changedRows);
        Assert.Subset(supportIds, changedRows); // only rows of words in the support set move
        Assert.False(mamlWeights["conv_weight.0"].equal(maml.Embedder.Encoder.named_parameters().Single(p => p.name == "conv_weight.0").parameter).all().item<bool>());
    }

    [Fact]
    public void ReptileGradientIsThetaMinusPhiOfPlainInnerSteps()
    {
        using var scope = NewDisposeScope();
        const double rate = 0.4;
        var encoder = new EncoderOptions { Kind = "boe", EmbeddingDim = 4 };
        var reptile = Learner(NewModel(Reptile.Name, new GradientLearnerOptions { InnerSteps = 3, InnerLearningRate = rate }, encoder, float64Weights: true));
        RandomiseHead(reptile);
        var episode = TrainEpisode(4);
        var loss = reptile.EpisodeLoss(episode);
        var table = reptile.Embedder.Encoder.named_parameters().Single().parameter;
        var head = reptile.Network.HeadWeight!;
        var bias = reptile.Network.HeadBias!;
        var grads = autograd.grad([loss], [table, head, bias]);

        // phi by hand: three SGD steps on every example of the episode, whole table, head copied per class.
        var examples = episode.Support.Concat(episode.Query).ToArray();
        var labels = tensor(episode.SupportLabels.Concat(episode.QueryLabels).Select(i => (long)i).ToArray());
        var ids = examples.Select(e => reptile.Embedder.Tokenizer.Encode(e.Text)).ToArray();
        using var batch = MetaNlp.Text.TokenBatch.FromIds(ids);
        var w = new[] { table.detach().clone(), head.detach().unsqueeze(0).expand(3, 4).clone(), bias.detach().expand(3).clone() };
        for (int step = 0; step < 3; step++)
        {
            foreach (var t in w) t.requires_grad_();
            var mask = batch.Mask.unsqueeze(-1).to(float64);
            var features = w[0].index_select(0, batch.Ids.flatten()).view(ids.Length, -1, 4).mul(mask).sum(1).div(mask.sum(1));
            var g = autograd.grad([nn.functional.cross_entropy(nn.functional.linear(features, w[1], w[2]), labels)], w);
            w = w.Select((t, i) => t.detach().sub(g[i].mul(rate))).ToArray();
        }
        var expectedTable = table.detach().sub(w[0]);
        var expectedHead = head.detach().sub(w[1].mean([0]));
        var expectedBias = bias.detach().sub(w[2].mean([0]));
        Assert.True(grads[0].allclose(expectedTable, rtol: 1e-9, atol: 1e-12), "table gradient is not theta - phi");
        Assert.True(grads[1].allclose(expectedHead, rtol: 1e-9, atol: 1e-12), "head gradient is not theta - mean of phi's class rows");
        Assert.True(grads[2].allclose(expectedBias, rtol: 1e-9, atol: 1e-12), "bias gradient is not theta - mean of phi's class biases");
        Assert.True(expectedTable.abs().sum().item<double>() > 0);
    }

    [Fact]
    public void ReptileWithTheEncoderLeftOutOfItsInnerLoopIsRefusedSinceItWouldLearnNothing()
    {
        var encoder = new EncoderOptions { Kind = "boe", EmbeddingDim = 4 };
        var e = Assert.Throws<ArgumentException>(() => NewModel(Reptile.Name, new GradientLearnerOptions { AdaptEncoder = false }, encoder));
        Assert.Contains("nothing would be learned", e.Message);
    }

    [Theory]
    [InlineData(Maml.Name)]
    [InlineData(MetaSgd.Name)]
    [InlineData(ProtoMaml.Name)]
    [InlineData(LearnedOptimizer.Name)]
    [InlineData(Reptile.Name)]
    public void TheEpisodeLossDoesNotDependOnTheOrderOfTheLabels(string algorithm)
    {
        using var scope = NewDisposeScope();
        var learner = Learner(NewModel(algorithm, new GradientLearnerOptions { InnerSteps = 2, InnerLearningRate = 0.3 }));
        RandomiseHead(learner);
        var episode = TrainEpisode(1);
        var relabelled = new Episode([.. episode.Classes.Reverse()], episode.Support, episode.Query);
        Assert.NotEqual(episode.SupportLabels, relabelled.SupportLabels);
        Assert.Equal(learner.EpisodeLoss(episode).item<float>(), learner.EpisodeLoss(relabelled).item<float>(), 1e-5f);
    }

    [Fact]
    public void MetaSgdLearnsRatesThatAdaptBetterToNewClasses()
    {
        using var scope = NewDisposeScope();
        var encoder = new EncoderOptions { Kind = "boe", EmbeddingDim = 16 };
        var learner = (MetaSgd)NewModel(MetaSgd.Name, new GradientLearnerOptions { InnerSteps = 2, InnerLearningRate = 0.05 }, encoder).Learner;
        var heldOut = new EpisodeSampler(Pool, ToyData.Classes(24, 40), Shape, 31);
        double HeldOutLoss()
        {
            using var s = NewDisposeScope();
            return Enumerable.Range(0, 30).Average(i => learner.EpisodeLoss(heldOut.Sample(i)).item<float>());
        }
        var initialRates = Flat(learner.Rates.Rates);
        double before = HeldOutLoss();

        // Only the rates learn, so any improvement is theirs.
        var optimizer = new ScalarSafeAdam(learner.Rates.parameters(), 0.02, weightDecay: 0);
        var train = new EpisodeSampler(Pool, ToyData.Classes(0, 24), Shape, 32);
        for (int i = 0; i < 120; i++)
        {
            using var s = NewDisposeScope();
            optimizer.zero_grad();
            learner.EpisodeLoss(train.Sample(i)).backward();
            optimizer.step();
        }
        double after = HeldOutLoss();
        double change = Flat(learner.Rates.Rates).Zip(initialRates, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(change > 0.01, $"the learned rates barely moved (max change {change:E2})");
        Assert.True(after < before - 0.05, $"held-out query loss after adaptation: {before:F3} with the initial rates, {after:F3} with the learned ones");
    }

    public static TheoryData<string> GradientAlgorithms => new(LearnerRegistry.Names.Where(LearnerRegistry.IsGradientBased));

    [Theory]
    [MemberData(nameof(GradientAlgorithms))]
    public void EveryGradientLearnerMetaTrainsAndBeatsChanceOnNewClasses(string algorithm)
    {
        using var dir = new TempDir();
        var encoder = new EncoderOptions { Kind = "boe", EmbeddingDim = 16 };
        var model = NewModel(algorithm, new GradientLearnerOptions { InnerSteps = 2, TestInnerSteps = 4, InnerLearningRate = 0.5 }, encoder);
        var train = new EpisodeSampler(Pool, ToyData.Classes(0, 24), Shape, 41);
        var test = new EpisodeSampler(Pool, ToyData.Classes(24, 40), Shape, 42);
        var options = new MetaTrainerOptions { MaxEpisodes = 100, ValidateEvery = 0, LearningRate = 1e-2, MetaBatchSize = 2, CheckpointEvery = 50 };
        var result = new MetaTrainer().Train(model, options, train, null, dir.Path);
        var trained = Checkpoint.LoadModel(result.ModelPath);
        Assert.Equal(algorithm, trained.Learner.Algorithm);
        double accuracy = EpisodeEvaluator.Evaluate(trained.Learner, test, 40).Accuracy.Mean;
        Assert.True(accuracy > 0.55, $"{algorithm}: {accuracy:P1} on new classes after 100 episodes (chance 33%)");
        // The checkpoint holds everything the learner adapts with (learned rules included): same predictions.
        LearnerChecks.AssertSamePredictions(model.Learner, trained.Learner, test.Sample(0));
    }

    [Fact]
    public void TheLearnedOptimizerRunsMoreStepsAtTestTimeThanItLearnedRatesFor()
    {
        using var scope = NewDisposeScope();
        var learner = Learner(NewModel(LearnedOptimizer.Name, new GradientLearnerOptions { InnerSteps = 2, TestInnerSteps = 6, InnerLearningRate = 0.3 }));
        Assert.Equal([2, learner.AdaptedNames.Count], ((LearnedOptimizer)learner).Rule.LogRates.shape);
        var support = TrainEpisode().Support;
        var (_, two) = learner.AdaptWeights(support, steps: 2);
        var (_, six) = learner.AdaptWeights(support);
        Assert.False(two[GradientNetwork.HeadWeightName].allclose(six[GradientNetwork.HeadWeightName]));
        Assert.True(six.Tensors.All(t => t.isfinite().all().item<bool>()));
    }
}
