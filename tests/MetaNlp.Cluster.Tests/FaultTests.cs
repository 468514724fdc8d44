using MetaNlp.Algorithms;
using MetaNlp.Training;
using MetaNlp.Models;

namespace MetaNlp.Cluster.Tests;

/// <summary>Faults: a worker lost in the middle of an iteration, and versions that must not mix.</summary>
[Collection("cluster")]
public sealed class FaultTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("metanlp-cluster-faults-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task ASiloStoppedInTheMiddleOfAnIterationDoesNotChangeTheResult()
    {
        await using var cluster = await TestSilos.StartAsync(3);
        string start = DistributedTrainingTests.SaveStart(Maml.Name, _dir);
        var local = Checkpoint.LoadModel(start);
        new MetaTrainer().Train(local, DistributedTrainingTests.Options, ToyEpisodes.Train(), null, Path.Combine(_dir, "local"));

        // The third silo stops while it holds the tasks of the second step (version = its first episode, 4).
        var victim = cluster.Silos[2];
        int fired = 0;
        TestSilos.Worker(victim).BeforeCompute = async order =>
        {
            if (order.Version != 4 || Interlocked.Exchange(ref fired, 1) == 1) return;
            _ = Task.Run(() => cluster.KillSiloAsync(victim));
            await Task.Delay(TimeSpan.FromSeconds(60));
        };
        var remote = Checkpoint.LoadModel(start);
        var coordinator = new ClusterMetaGradient(cluster.Client, ToyEpisodes.Job);
        await Task.Run(() => new MetaTrainer { Gradients = coordinator }.Train(remote, DistributedTrainingTests.Options, ToyEpisodes.Train(), null, Path.Combine(_dir, "cluster")));

        Assert.Equal(1, fired);
        Assert.Equal([victim.SiloAddress.ToParsableString()], coordinator.LostWorkers);
        Assert.True(coordinator.Steps[1].Reassigned > 0, "the lost worker's tasks went to another");
        Assert.Equal(3, coordinator.Steps.Count); // one update per step: none applied twice, none lost
        DistributedTrainingTests.AssertSameWeights(local, remote);
    }

    [Fact]
    public async Task ASiloStoppedInTheMiddleOfAnEvaluationDoesNotChangeTheResult()
    {
        await using var cluster = await TestSilos.StartAsync(3);
        var model = Checkpoint.LoadModel(DistributedTrainingTests.SaveStart(PrototypicalNetwork.Name, _dir));
        var local = MetaNlp.Evaluation.EpisodeEvaluator.Evaluate(model.Learner, ToyEpisodes.Test(), 24);

        // The third silo stops while it holds its first order.
        var victim = cluster.Silos[2];
        int fired = 0;
        TestSilos.Worker(victim).BeforeEvaluate = async order =>
        {
            if (Interlocked.Exchange(ref fired, 1) == 1) return;
            _ = Task.Run(() => cluster.KillSiloAsync(victim));
            await Task.Delay(TimeSpan.FromSeconds(60));
        };
        var coordinator = new ClusterEvaluation(cluster.Client, model, ToyEpisodes.TestJob, episodesPerOrder: 3);
        var remote = await Task.Run(() => MetaNlp.Evaluation.EpisodeEvaluator.Evaluate(model.Learner, ToyEpisodes.Test(), 24, accuracies: coordinator));

        Assert.Equal(1, fired);
        Assert.Contains(victim.SiloAddress.ToParsableString(), coordinator.LostWorkers);
        // Orders of 3 episodes each: the victim's came back to the queue. A call in flight to another silo can fail
        // too while the stopped silo goes down (seen in CI); that worker is then dropped as well, which changes who
        // scores the rest, never the result.
        Assert.True(coordinator.Stats!.Reassigned >= 3 && coordinator.Stats.Reassigned % 3 == 0, $"{coordinator.Stats.Reassigned} episodes reassigned");
        Assert.Equal(local.EpisodeAccuracies, remote.EpisodeAccuracies);
    }

    [Fact]
    public async Task AWorkerRefusesAnOrderForAVersionItDoesNotHold()
    {
        await using var cluster = await TestSilos.StartAsync(1);
        string start = DistributedTrainingTests.SaveStart(PrototypicalNetwork.Name, _dir);
        var model = Checkpoint.LoadModel(start);
        var coordinator = new ClusterMetaGradient(cluster.Client, ToyEpisodes.Job);
        using (TorchSharp.torch.NewDisposeScope())
            await Task.Run(() => coordinator.Compute(new MetaStep(model, ToyEpisodes.Train(), 0, 2, 3, null)));
        var worker = cluster.Client.GetGrain<IMetaWorkerGrain>(cluster.Silos[0].SiloAddress.ToParsableString());

        var stale = await worker.Compute(new WorkOrder { RunId = coordinator.RunId, Version = 2, Episodes = [2, 3], Divisor = 2 });
        Assert.Equal(WorkStatus.VersionMismatch, stale.Status);
        Assert.Equal(0, stale.Version);
        Assert.Empty(stale.Gradients);
        var stranger = await worker.Compute(new WorkOrder { RunId = "another-run", Version = 0, Episodes = [0], Divisor = 1 });
        Assert.Equal(WorkStatus.UnknownRun, stranger.Status);
        var current = await worker.Compute(new WorkOrder { RunId = coordinator.RunId, Version = 0, Episodes = [0, 1], Divisor = 2 });
        Assert.Equal(WorkStatus.Done, current.Status);
    }
}
