using MetaNlp.Algorithms;
using MetaNlp.Data;
using MetaNlp.Encoders;
using MetaNlp.Functional;
using MetaNlp.Tests.Data;
using MetaNlp.Text;
using MetaNlp.Training;
using TorchSharp;
using MetaNlp.Models;
using static TorchSharp.torch;

namespace MetaNlp.Tests.Algorithms;

// The task-batched inner loop (GradientLearnerOptions.BatchTasks) against one task after another: the same query
// losses and the same meta-gradients, first and second order, for every learner that batches. Serial: the models are
// seeded from LibTorch's one generator.
[Collection(SerialCollection.Name)]
public class TaskBatchedInnerLoopTests
{
    private static readonly IReadOnlyList<TextExample> Pool = ToyData.Examples(classes: 40, perClass: 12);
    private static readonly EpisodeSamplerOptions Shape = new() { Ways = 3, Shots = 2, Queries = 3 };
    private static readonly EncoderOptions Cnn = new() { Kind = CnnEncoder.KindName, EmbeddingDim = 5, Filters = 3, FilterWidths = [2, 3] };
    private static readonly EncoderOptions Boe = new() { Kind = BagOfEmbeddingsEncoder.KindName, EmbeddingDim = 6 };

    private static FewShotModel NewModel(string algorithm, GradientLearnerOptions options, EncoderOptions encoder, bool float64Weights)
    {
        manual_seed(11);
        var spec = FewShotModel.NewSpec(algorithm, LearnerRegistry.ToJson(options), encoder,
            Pool.Where(e => ToyData.Classes(0, 24).Contains(e.Label)).Select(e => e.Text));
        var model = FewShotModel.Create(spec);
        if (float64Weights) model.Learner.Module.to(float64);
        return model;
    }

    private static Episode[] Episodes(int count, int seed = 21) =>
        [.. Enumerable.Range(0, count).Select(i => new EpisodeSampler(Pool, ToyData.Classes(0, 24), Shape, seed).Sample(i))];

    private static double[] Flat(IEnumerable<Tensor> tensors) => [.. tensors.SelectMany(t => t.detach().to(float64).flatten().data<double>().ToArray())];

    private static double RelativeError(double[] a, double[] b) =>
        Math.Sqrt(a.Zip(b, (x, y) => (x - y) * (x - y)).Sum()) / Math.Max(1e-12, Math.Sqrt(b.Sum(y => y * y)));

    private static void RandomiseHead(GradientLearner learner)
    {
        using var noGrad = no_grad();
        learner.Network.HeadWeight?.copy_(randn_like(learner.Network.HeadWeight).mul(0.5));
        learner.Network.HeadBias?.fill_(0.3);
    }

    public static TheoryData<string, bool, string, bool, bool> Cases => new()
    {
        // algorithm, first order, encoder, inner Adam, float64 weights
        { Maml.Name, false, CnnEncoder.KindName, false, false },
        { Maml.Name, false, CnnEncoder.KindName, false, true },
        { Maml.Name, true, CnnEncoder.KindName, false, false },
        { Maml.Name, false, BagOfEmbeddingsEncoder.KindName, false, false },
        { Maml.Name, false, CnnEncoder.KindName, true, true },
        { MetaSgd.Name, false, CnnEncoder.KindName, false, true },
        { ProtoMaml.Name, false, CnnEncoder.KindName, false, true },
        { ProtoMaml.Name, true, BagOfEmbeddingsEncoder.KindName, false, false },
        { Anil.Name, false, CnnEncoder.KindName, false, true },
        { LearnedOptimizer.Name, false, CnnEncoder.KindName, false, true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void TheBatchedMetaGradientEqualsTheSequentialLoops(string algorithm, bool firstOrder, string encoder, bool adam, bool float64Weights)
    {
        using var scope = NewDisposeScope();
        var options = new GradientLearnerOptions { InnerSteps = 3, InnerLearningRate = 0.3, FirstOrder = firstOrder, InnerOptimizer = adam ? InnerOptimizer.Adam : InnerOptimizer.Sgd, BatchTasks = true };
        var learner = (GradientLearner)NewModel(algorithm, options, encoder == CnnEncoder.KindName ? Cnn : Boe, float64Weights).Learner;
        RandomiseHead(learner);
        var episodes = Episodes(4);
        Assert.True(learner.Options.BatchTasks && learner.BatchesTasks(episodes), "the test must run the batched loop");
        var parameters = learner.Module.parameters().ToArray();

        var batched = learner.EpisodeLosses(episodes);
        var sequential = stack(episodes.Select(learner.EpisodeLoss).ToArray());
        double[] lossesBatched = Flat([batched]), lossesSequential = Flat([sequential]);
        var gBatched = Flat(autograd.grad([batched.sum()], parameters));
        var gSequential = Flat(autograd.grad([sequential.sum()], parameters));

        // float64 leaves only rounding, which inner Adam's division by the root of small second moments magnifies.
        double tolerance = float64Weights ? 1e-8 : 1e-5;
        for (int i = 0; i < episodes.Length; i++)
            Assert.True(Math.Abs(lossesBatched[i] - lossesSequential[i]) <= tolerance * Math.Max(1, Math.Abs(lossesSequential[i])),
                $"task {i}: batched loss {lossesBatched[i]:R}, sequential {lossesSequential[i]:R}");
        Assert.True(gSequential.Count(v => Math.Abs(v) > 1e-6) > 20, "the meta-gradient must not be (almost) zero");
        double error = RelativeError(gBatched, gSequential);
        Assert.True(error < tolerance, $"{algorithm}: relative difference {error:E2} between the batched and the sequential meta-gradient");
    }

    [Fact]
    public void TheBatchedLoopGivesTheSameRowSparseTableGradient()
    {
        using var scope = NewDisposeScope();
        var learner = (GradientLearner)NewModel(Maml.Name, new GradientLearnerOptions { InnerSteps = 2, InnerLearningRate = 0.3, BatchTasks = true }, Cnn, float64Weights: true).Learner;
        RandomiseHead(learner);
        var episodes = Episodes(3);
        var encoder = learner.Embedder.Encoder;
        var table = encoder.named_parameters().Single(p => p.name == encoder.TokenTableName).parameter;

        (long[] Rows, double[] Values) RowGradient(Func<Tensor> losses)
        {
            using var sparse = new SparseTableRows(table);
            encoder.SparseTable = sparse;
            try
            {
                learner.Module.zero_grad(set_to_none: true);
                losses().sum().backward();
                var (indices, values) = sparse.Gradient()!.Value;
                Assert.True(table.grad is null || table.grad.IsInvalid, "the table must get no dense gradient");
                return (indices.data<long>().ToArray(), Flat([values]));
            }
            finally
            {
                encoder.SparseTable = null;
            }
        }

        var batched = RowGradient(() => learner.EpisodeLosses(episodes));
        var sequential = RowGradient(() => stack(episodes.Select(learner.EpisodeLoss).ToArray()));
        Assert.Equal(sequential.Rows, batched.Rows);
        Assert.True(RelativeError(batched.Values, sequential.Values) < 1e-10, $"relative difference {RelativeError(batched.Values, sequential.Values):E2}");
    }

    [Fact]
    public void MetaBatchesThatCannotBatchRunOneTaskAfterAnother()
    {
        using var scope = NewDisposeScope();
        var maml = (GradientLearner)NewModel(Maml.Name, new GradientLearnerOptions { InnerSteps = 1, BatchTasks = true }, Cnn, float64Weights: false).Learner;
        var twoWays = new EpisodeSampler(Pool, ToyData.Classes(0, 24), Shape with { Ways = 2 }, 3).Sample(0);
        Episode[] mixed = [Episodes(1)[0], twoWays];
        Assert.False(maml.BatchesTasks(mixed));
        Assert.False(maml.BatchesTasks(Episodes(1)));
        var losses = maml.EpisodeLosses(mixed);
        Assert.Equal(maml.EpisodeLoss(mixed[1]).item<float>(), losses[1].item<float>(), 6);

        var reptile = (GradientLearner)NewModel(Reptile.Name, new GradientLearnerOptions { InnerSteps = 1 }, Cnn, float64Weights: false).Learner;
        Assert.False(reptile.BatchesTasks(Episodes(2)), "Reptile's episode loss is not the inner loop's query loss");

        var positions = new EntityPositions(2, 3);
        var entityCnn = new CnnEncoder(30, Cnn with { EntityPositionDim = 2 }, positions);
        Assert.False(entityCnn.ForwardsTasks);
    }

    [Fact]
    public void TheCnnOverSeveralTasksEqualsEachTaskAloneWithItsOwnWeights()
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        var cnn = new CnnEncoder(20, Cnn);
        cnn.eval();
        const int tasks = 3;
        var random = new Random(4);
        // Each task: two texts of its own lengths, ids in its own 8-row table.
        var texts = Enumerable.Range(0, tasks).Select(_ => Enumerable.Range(0, 2).Select(_ => Enumerable.Range(0, random.Next(1, 7)).Select(_ => random.Next(2, 8)).ToArray()).ToArray()).ToArray();
        var own = cnn.Parameters();
        var perTask = Enumerable.Range(0, tasks).Select(_ => own.Select((name, w) => name == "embedding" ? randn(8, 5) : w.add(randn_like(w).mul(0.1)))).ToArray();
        var stacked = new ParameterSet(own.Names.Select(name => new KeyValuePair<string, Tensor>(name,
            name == "conv_bias.1" ? own[name] : stack(perTask.Select(p => p[name]).ToArray())))); // one weight shared by all tasks
        var together = cnn.ForwardTasks(TokenBatch.FromIds([.. texts.SelectMany(t => t)], cnn.MinLength), tasks, stacked);
        Assert.Equal([tasks, 2, cnn.OutputDim], together.shape);
        for (int t = 0; t < tasks; t++)
        {
            var alone = cnn.Forward(TokenBatch.FromIds(texts[t], cnn.MinLength), perTask[t].With(new ParameterSet([new("conv_bias.1", own["conv_bias.1"])])));
            Assert.True(together[t].allclose(alone, rtol: 1e-5, atol: 1e-6), $"task {t}: the batched vectors differ from the task's own");
        }
    }

    [Fact]
    public void TrainingStepsGiveTheSameLossesAndWeightsBatchedOrNot()
    {
        // Outer SGD, not Adam: Adam's first steps move every weight by about the learning rate whatever the size of its
        // gradient, so a coordinate whose gradient is rounding noise would differ by twice the rate.
        (List<double> Losses, double[] Weights) Train(bool batchTasks)
        {
            using var dir = new TempDir();
            var model = NewModel(Maml.Name, new GradientLearnerOptions { InnerSteps = 2, InnerLearningRate = 0.3, BatchTasks = batchTasks }, Cnn, float64Weights: false);
            var train = new EpisodeSampler(Pool, ToyData.Classes(0, 24), Shape, 41);
            var options = new MetaTrainerOptions { MaxEpisodes = 9, ValidateEvery = 0, LearningRate = 0.1, OuterOptimizer = "sgd", MetaBatchSize = 3, CheckpointEvery = 100, Seed = 7 };
            var losses = new List<double>();
            var trainer = new MetaTrainer { OnProgress = e => losses.Add(e.Loss) };
            var result = trainer.Train(model, options, train, null, dir.Path);
            Assert.Equal(9, result.Progress.EpisodesDone);
            return (losses, Flat(model.Learner.Module.parameters()));
        }

        // The trainer calls IFewShotLearner.EpisodeLosses once per meta-batch; through that interface the batched loop
        // gathers the table rows of all its tasks at once, the sequential one task by task.
        foreach (bool batchTasks in new[] { true, false })
        {
            using var scope = NewDisposeScope();
            var model = NewModel(Maml.Name, new GradientLearnerOptions { InnerSteps = 1, BatchTasks = batchTasks }, Cnn, float64Weights: false);
            IFewShotLearner learner = model.Learner;
            var encoder = model.Embedder.Encoder;
            using var sparse = new SparseTableRows(encoder.named_parameters().Single(p => p.name == encoder.TokenTableName).parameter);
            encoder.SparseTable = sparse;
            learner.EpisodeLosses(Episodes(3));
            encoder.SparseTable = null;
            Assert.Equal(batchTasks ? 1 : 3, sparse.ReadCount);
        }

        var batched = Train(batchTasks: true);
        var sequential = Train(batchTasks: false);
        Assert.Equal(3, batched.Losses.Count);
        for (int i = 0; i < 3; i++)
            Assert.True(Math.Abs(batched.Losses[i] - sequential.Losses[i]) < 1e-5, $"step {i}: loss {batched.Losses[i]:R} batched, {sequential.Losses[i]:R} sequential");
        double largest = batched.Weights.Zip(sequential.Weights, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(largest < 1e-4, $"the trained weights differ by up to {largest:E2}");
        Assert.True(batched.Weights.Zip(Flat(NewModel(Maml.Name, new GradientLearnerOptions(), Cnn, false).Learner.Module.parameters()), (a, b) => Math.Abs(a - b)).Max() > 1e-3,
            "training must have changed the weights");
    }
}
