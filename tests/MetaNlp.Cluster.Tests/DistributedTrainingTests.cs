using MetaNlp.Data;
using MetaNlp.Algorithms;
using MetaNlp.Encoders;
using MetaNlp.Training;
using Orleans.TestingHost;
using MetaNlp.Models;
using static TorchSharp.torch;

namespace MetaNlp.Cluster.Tests;

/// <summary>One test cluster of 3 worker silos in this process, shared by the tests of a class.</summary>
public sealed class ThreeSilos : IAsyncLifetime
{
    public TestCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync() => Cluster = await TestSilos.StartAsync(3);

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

[CollectionDefinition("cluster", DisableParallelization = true)]
public sealed class ClusterCollection : ICollectionFixture<ThreeSilos>;

/// <summary>
/// The distributed meta-gradient is the single-process one: same episodes, same seed, same weights after the outer
/// steps, for a metric learner (ProtoNet) and a gradient learner (second-order MAML), both on a small CNN with
/// row-sparse word-table gradients.
/// </summary>
[Collection("cluster")]
public sealed class DistributedTrainingTests(ThreeSilos silos) : IDisposable
{
    private const double Tolerance = 1e-5;
    private readonly string _dir = Directory.CreateTempSubdirectory("metanlp-cluster-tests-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    internal static string SaveStart(string algorithm, string folder)
    {
        manual_seed(5);
        var spec = FewShotModel.NewSpec(algorithm, null, new EncoderOptions { Kind = "cnn", EmbeddingDim = 16, Filters = 8 },
            ToyEpisodes.Pool.Where(e => ToyEpisodes.TrainClasses.Contains(e.Label)).Select(e => e.Text));
        string path = Path.Combine(folder, $"{algorithm}-start.ckpt");
        Checkpoint.SaveModel(path, FewShotModel.Create(spec));
        return path;
    }

    // SGD: the outer step is then linear in the meta-gradient, so the weights compare as the gradients do. Adam divides
    // each gradient by its own magnitude, so on a weight whose gradient is zero but for rounding (ProtoNet's
    // convolution bias under a shift-invariant distance, MAML's zero-initialised head) it turns float32 rounding noise,
    // which the order of a sum decides, into a step of up to the full learning rate (measured here: 4e-3 on MAML's
    // head after 3 Adam steps, where every gradient agreed to 1e-5).
    internal static MetaTrainerOptions Options => new() { MaxEpisodes = 12, MetaBatchSize = 4, LearningRate = 0.1, OuterOptimizer = "sgd", ValidateEvery = 0, Seed = 3 };

    internal static void AssertSameWeights(FewShotModel expected, FewShotModel actual)
    {
        var a = expected.Learner.Module.named_parameters().ToList();
        var b = actual.Learner.Module.named_parameters().ToList();
        Assert.Equal(a.Select(p => p.name), b.Select(p => p.name));
        for (int i = 0; i < a.Count; i++)
        {
            double difference = (a[i].parameter - b[i].parameter).abs().max().item<float>();
            Assert.True(difference <= Tolerance, $"{a[i].name}: differs by {difference:E2} between one process and the cluster");
        }
    }

    [Theory]
    [InlineData(PrototypicalNetwork.Name)]
    [InlineData(Maml.Name)]
    public void TheMetaGradientOfAStepIsTheSingleProcessOne(string algorithm)
    {
        string start = SaveStart(algorithm, _dir);
        var local = Checkpoint.LoadModel(start);
        var remote = Checkpoint.LoadModel(start);
        using var localTable = MetaGradient.SparseTableOf(local, sparseEmbeddings: true);
        using var remoteTable = MetaGradient.SparseTableOf(remote, sparseEmbeddings: true);
        Assert.NotNull(localTable); // the CNN's word table: the row-sparse path is under test too

        var coordinator = new ClusterMetaGradient(silos.Cluster.Client, ToyEpisodes.Job);
        using var scope = NewDisposeScope();
        // 7 tasks over 3 workers: chunks of 2, 2 and 3 episodes.
        var expected = LocalMetaGradient.Instance.Compute(new MetaStep(local, ToyEpisodes.Train(), 20, 7, 3, localTable));
        var actual = coordinator.Compute(new MetaStep(remote, ToyEpisodes.Train(), 20, 7, 3, remoteTable));

        Assert.Equal(3, coordinator.Steps.Single().Orders);
        Assert.Equal(expected.MeanLoss, actual.MeanLoss, Tolerance);
        var a = WeightPacking.Trainable(local.Learner.Module);
        var b = WeightPacking.Trainable(remote.Learner.Module);
        Assert.True(a.Count(w => w.Parameter.grad is not null) >= 2);
        for (int i = 0; i < a.Length; i++)
        {
            var (ga, gb) = (a[i].Parameter.grad, b[i].Parameter.grad);
            Assert.True((ga is null) == (gb is null), $"{a[i].Name}: a gradient on one side only");
            if (ga is null) continue;
            double difference = (ga - gb!).abs().max().item<float>();
            Assert.True(difference <= Tolerance, $"{a[i].Name}: gradient differs by {difference:E2}");
        }
        var (rowsA, rowsB) = (expected.Rows!.Value, actual.Rows!.Value);
        Assert.Equal(rowsA.Indices.data<long>().ToArray(), rowsB.Indices.data<long>().ToArray());
        Assert.True((rowsA.Values - rowsB.Values).abs().max().item<float>() <= Tolerance);
        Assert.True(rowsA.Values.abs().max().item<float>() > 1e-4, "the word table's gradient is not all zero");
    }

    [Theory]
    [InlineData(PrototypicalNetwork.Name)]
    [InlineData(Maml.Name)]
    public void ThreeOuterStepsOnTheClusterEndWithTheSingleProcessWeights(string algorithm)
    {
        string start = SaveStart(algorithm, _dir);
        var local = Checkpoint.LoadModel(start);
        var remote = Checkpoint.LoadModel(start);
        new MetaTrainer().Train(local, Options, ToyEpisodes.Train(), null, Path.Combine(_dir, "local"));
        var coordinator = new ClusterMetaGradient(silos.Cluster.Client, ToyEpisodes.Job);
        new MetaTrainer { Gradients = coordinator }.Train(remote, Options, ToyEpisodes.Train(), null, Path.Combine(_dir, "cluster"));

        AssertSameWeights(local, remote);
        // The weights moved: a test comparing two untouched copies would pass for nothing.
        var before = Checkpoint.LoadModel(start).Learner.Module.parameters().ToList();
        double moved = remote.Learner.Module.parameters().Zip(before, (after, b) => (after - b).abs().max().item<float>()).Max();
        Assert.True(moved > 1e-3, $"no weight moved by more than {moved:E2}");
        Assert.Equal(3, coordinator.Steps.Count);
        // The weights travel once per worker and step (4 tasks over 3 workers), never once per task.
        long weightBytes = WeightPacking.Trainable(remote.Learner.Module).Sum(w => w.Parameter.numel()) * sizeof(float);
        foreach (var step in coordinator.Steps.Skip(1))
        {
            Assert.Equal(3, step.Orders);
            Assert.InRange(step.BytesSent, 3 * weightBytes, 3 * weightBytes + 1024);
        }
    }

    [Fact]
    public async Task AWorkerBuildingOtherTrainingEpisodesIsRefusedAndKeepsItsRun()
    {
        var model = Checkpoint.LoadModel(SaveStart(PrototypicalNetwork.Name, _dir));
        var held = new ClusterMetaGradient(silos.Cluster.Client, ToyEpisodes.Job);
        using (NewDisposeScope()) held.Compute(new MetaStep(model, ToyEpisodes.Train(), 0, 3, 3, null)); // every worker holds this run at version 0
        model.Learner.Module.zero_grad(set_to_none: true);

        // Another coordinator whose episodes come from another seed than the workers' (11): in effect, other data.
        var coordinator = new ClusterMetaGradient(silos.Cluster.Client, ToyEpisodes.Job);
        var other = new EpisodeSampler(ToyEpisodes.Pool, ToyEpisodes.TrainClasses, new EpisodeSamplerOptions { Ways = 3, Shots = 2, Queries = 2 }, 12);
        var e = Assert.Throws<InvalidDataException>(() =>
        {
            using var scope = NewDisposeScope();
            coordinator.Compute(new MetaStep(model, other, 0, 3, 3, null));
        });
        Assert.Contains("not the coordinator's", e.Message, StringComparison.Ordinal);
        Assert.All(WeightPacking.Trainable(model.Learner.Module), w => Assert.Null(w.Parameter.grad));

        // The refusal left each worker's run as it was: the first coordinator's orders are still computed, weights not resent.
        foreach (var silo in silos.Cluster.Silos)
        {
            var worker = silos.Cluster.Client.GetGrain<IMetaWorkerGrain>(silo.SiloAddress.ToParsableString());
            var answer = await worker.Compute(new WorkOrder { RunId = held.RunId, Version = 0, Episodes = [0], Divisor = 1 });
            Assert.Equal(WorkStatus.Done, answer.Status);
        }
    }
}
