using MetaNlp.Algorithms;
using MetaNlp.Evaluation;
using MetaNlp.Models;
using MetaNlp.Training;

namespace MetaNlp.Cluster.Tests;

/// <summary>
/// The distributed evaluation is the single-process one: every test episode scored by a worker gets the accuracy it
/// gets here, for a metric learner (ProtoNet) and a gradient learner adapting at test time (MAML), and a worker whose
/// episodes are not the coordinator's is refused.
/// </summary>
[Collection("cluster")]
public sealed class DistributedEvaluationTests(ThreeSilos silos) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("metanlp-cluster-eval-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData(PrototypicalNetwork.Name)]
    [InlineData(Maml.Name)]
    public async Task EveryEpisodeScoresAsInOneProcess(string algorithm)
    {
        var model = Checkpoint.LoadModel(DistributedTrainingTests.SaveStart(algorithm, _dir));
        var local = EpisodeEvaluator.Evaluate(model.Learner, ToyEpisodes.Test(), 37);
        var before = silos.Cluster.Silos.Select(s => TestSilos.Worker(s).EvaluationOrdersScored).ToArray();
        var progress = new List<int>();

        // 37 episodes over 3 workers in orders of 4: every worker takes several, the last order is short.
        var coordinator = new ClusterEvaluation(silos.Cluster.Client, model, ToyEpisodes.TestJob, episodesPerOrder: 4);
        var remote = await Task.Run(() => EpisodeEvaluator.Evaluate(model.Learner, ToyEpisodes.Test(), 37, progress.Add, coordinator));

        Assert.Equal(local.EpisodeAccuracies, remote.EpisodeAccuracies);
        Assert.Equal(local.Accuracy, remote.Accuracy);
        Assert.True(local.EpisodeAccuracies.Distinct().Count() > 1, "the episodes differ in accuracy, so a shuffled order would show");
        Assert.Equal(10, coordinator.Stats!.Orders);
        Assert.Equal(3, coordinator.Stats.Workers);
        var after = silos.Cluster.Silos.Select(s => TestSilos.Worker(s).EvaluationOrdersScored).ToArray();
        Assert.All(Enumerable.Range(0, 3), i => Assert.True(after[i] > before[i], $"worker {i} scored no order"));
        Assert.Equal(37, progress[^1]);
        Assert.Equal(progress.Order(), progress);
    }

    [Fact]
    public async Task ValidationOnTheWorkersKeepsTheSingleProcessHistory()
    {
        string start = DistributedTrainingTests.SaveStart(PrototypicalNetwork.Name, _dir);
        var options = DistributedTrainingTests.Options with { ValidateEvery = 4, ValidationEpisodes = 13, Patience = 10 };
        var local = new MetaTrainer().Train(Checkpoint.LoadModel(start), options, ToyEpisodes.Train(), ToyEpisodes.Test(), Path.Combine(_dir, "local"));
        int before = silos.Cluster.Silos.Sum(s => TestSilos.Worker(s).EvaluationOrdersScored);

        // The steps here, only the validations on the workers: the weights are then the same at each validation.
        var trainer = new MetaTrainer { ValidationAccuracies = model => new ClusterEvaluation(silos.Cluster.Client, model, ToyEpisodes.TestJob) };
        var remote = await Task.Run(() => trainer.Train(Checkpoint.LoadModel(start), options, ToyEpisodes.Train(), ToyEpisodes.Test(), Path.Combine(_dir, "cluster")));

        Assert.True(local.Progress.History.Count >= 3, "validated several times");
        Assert.Equal(local.Progress.History.Select(p => p.Accuracy), remote.Progress.History.Select(p => p.Accuracy));
        Assert.True(local.Progress.History.Select(p => p.Accuracy).Distinct().Count() > 1, "the validations differ, so each was scored with its own weights");
        Assert.Equal(local.Progress.BestEpisode, remote.Progress.BestEpisode);
        Assert.True(silos.Cluster.Silos.Sum(s => TestSilos.Worker(s).EvaluationOrdersScored) > before, "the workers scored the validations");
    }

    [Fact]
    public async Task AWorkerBuildingOtherEpisodesIsRefused()
    {
        var model = Checkpoint.LoadModel(DistributedTrainingTests.SaveStart(PrototypicalNetwork.Name, _dir));
        var coordinator = new ClusterEvaluation(silos.Cluster.Client, model, ToyEpisodes.TestJob);
        // The coordinator's episodes are another seed's: the workers' (seed 21) do not match them.
        var e = await Assert.ThrowsAsync<InvalidDataException>(() => Task.Run(() => coordinator.Compute(model.Learner, ToyEpisodes.Test(seed: 22), 10, null)));
        Assert.Contains("not the coordinator's", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnotherModelsLearnerIsRefused()
    {
        var model = Checkpoint.LoadModel(DistributedTrainingTests.SaveStart(PrototypicalNetwork.Name, _dir));
        var other = Checkpoint.LoadModel(DistributedTrainingTests.SaveStart(PrototypicalNetwork.Name, _dir));
        var coordinator = new ClusterEvaluation(silos.Cluster.Client, model, ToyEpisodes.TestJob);
        Assert.Throws<ArgumentException>(() => coordinator.Compute(other.Learner, ToyEpisodes.Test(), 5, null));
    }
}
