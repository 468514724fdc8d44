using MetaNlp.Algorithms;
using MetaNlp.Data;
using MetaNlp.Models;
using MetaNlp.Tests.Data;
using MetaNlp.Training;

namespace MetaNlp.Tests.Training;

public class TaskSamplerTests
{
    private static readonly IReadOnlyList<TextExample> Pool = ToyData.Examples(classes: 40, perClass: 12);
    private static readonly EpisodeSamplerOptions Shape = new() { Ways = 3, Shots = 2, Queries = 3 };

    private static EpisodeSampler Train() => new(Pool, ToyData.Classes(0, 24), Shape, 11);

    [Fact]
    public void UniformIsTheUnchangedSamplerAndTheDefault()
    {
        var train = Train();
        Assert.Same(train, TaskSamplers.Apply(TaskSamplers.Uniform, train, 100, 11));
        Assert.Equal(TaskSamplers.Uniform, new MetaTrainerOptions().Sampler);
        Assert.IsType<BalancedClassSampler>(TaskSamplers.Apply(TaskSamplers.Balanced, train, 100, 11));
        var curriculum = Assert.IsType<CurriculumClassSampler>(TaskSamplers.Apply(TaskSamplers.Curriculum, train, 100, 11));
        Assert.Equal(24, curriculum.EasiestFirst.Distinct().Count());
        var hard = Assert.IsType<HardClassSampler>(TaskSamplers.Apply(TaskSamplers.Hard, train, 100, 11, new HardSamplerOptions { Floor = 0.5 }));
        Assert.All(hard.Weights(), w => Assert.Equal(0.5 + 2.0 / 3, w, 12)); // chance error (N - 1) / N plus the floor
    }

    [Fact]
    public void AnUnknownSamplerOrTasksInsteadOfClassesAreRefusedByName()
    {
        var e = Assert.Throws<ArgumentException>(() => new MetaTrainerOptions { Sampler = "hardest" }.Validate());
        Assert.Contains("Sampler", e.Message);
        Assert.Contains("hardest", e.Message);
        var tasks = new TaskEpisodeSampler([("a", Pool.Where(x => x.Label is "class0" or "class1").ToArray()), ("b", Pool.Where(x => x.Label is "class2" or "class3").ToArray())],
            new EpisodeSamplerOptions { Ways = 2, Shots = 2, Queries = 2 }, 1);
        var arsc = Assert.Throws<ArgumentException>(() => TaskSamplers.Apply(TaskSamplers.Balanced, tasks, 10, 1));
        Assert.Contains("--sampler uniform", arsc.Message);
        Assert.Same(tasks, TaskSamplers.Apply(TaskSamplers.Uniform, tasks, 10, 1));
    }

    [Theory]
    [InlineData(TaskSamplers.Uniform)]
    [InlineData(TaskSamplers.Balanced)]
    [InlineData(TaskSamplers.Curriculum)]
    [InlineData(TaskSamplers.Hard)]
    public void AResumedRunWithASamplerEndsWithTheSameWeightsAndKeepsTheSampler(string sampler)
    {
        using var straightDir = new TempDir();
        using var killedDir = new TempDir();
        using var startDir = new TempDir();
        var start = Path.Combine(startDir.Path, "start.ckpt");
        Checkpoint.SaveModel(start, TrainingTests.NewModel());
        var options = new MetaTrainerOptions { MaxEpisodes = 30, ValidateEvery = 10, ValidationEpisodes = 5, CheckpointEvery = 10, Patience = 100, LearningRate = 1e-2, Sampler = sampler, Seed = 11 };
        var validation = new EpisodeSampler(Pool, ToyData.Classes(24, 32), Shape, 12);
        var straight = new MetaTrainer().Train(Checkpoint.LoadModel(start), options, TaskSamplers.Apply(sampler, Train(), 30, 11), validation, straightDir.Path);

        var killer = new MetaTrainer { OnProgress = e => { if (e.Episode >= 16) throw new InvalidOperationException("killed"); } };
        Assert.Throws<InvalidOperationException>(() => killer.Train(Checkpoint.LoadModel(start), options, TaskSamplers.Apply(sampler, Train(), 30, 11), validation, killedDir.Path));
        var saved = ResumePolicy.Find(killedDir.Path, resume: true)!;
        Assert.Equal(sampler, saved.Training.Trainer!.Sampler);
        Assert.Equal(10, saved.State.Progress!.EpisodesDone);
        Assert.Equal(11, saved.Seed);

        // A new process: a fresh sampler of the saved kind, first asked for episode 10.
        var resumed = new MetaTrainer().Resume(killedDir.Path, TaskSamplers.Apply(saved.Training.Trainer.Sampler, Train(), saved.Training.Trainer.MaxEpisodes, saved.Seed), validation);
        Assert.Equal(straight.Progress.History, resumed.Progress.History);
        TrainingTests.AssertSameWeights(straight.ModelPath, resumed.ModelPath);
        // The hard sampler's estimates (what its draws depend on) travel in the state and end the same.
        Assert.Equal(sampler == TaskSamplers.Hard, straight.Progress.SamplerState is not null);
        Assert.Equal(straight.Progress.SamplerState?.Values, resumed.Progress.SamplerState?.Values);
    }

    [Theory]
    [InlineData(PrototypicalNetwork.Name)] // query logits from the loss's own pass
    [InlineData(MatchingNetwork.Name)] // predictions from adapting a second time
    public void TheTrainerFeedsTheHardSamplerEveryEpisodesPredictionsAndTheDrawsFollowThem(string algorithm)
    {
        using var dir = new TempDir();
        var options = new MetaTrainerOptions { MaxEpisodes = 12, MetaBatchSize = 2, ValidateEvery = 0, LearningRate = 1e-2, Sampler = TaskSamplers.Hard, Seed = 11 };
        var hard = (HardClassSampler)TaskSamplers.Apply(TaskSamplers.Hard, Train(), 12, 11, options.HardSampler);
        var result = new MetaTrainer().Train(TrainingTests.NewModel(algorithm), options, hard, null, dir.Path);
        Assert.Equal(12, hard.Observed);
        Assert.Equal(12, result.Progress.SamplerState!.Observed);
        Assert.Equal(hard.State.Values, result.Progress.SamplerState.Values);
        // Every class drawn moved away from chance error; at 3 ways and 2 queries each, the error after one
        // observation is 0.9 x 2/3 + 0.1 x (0, 0.5 or 1), never 2/3 itself.
        Assert.Contains(hard.Errors, e => Math.Abs(e - 2.0 / 3) > 1e-9);
    }

    [Fact]
    public void AHardRunRefusesASamplerDrivenElsewhereAndResumesFromItsSavedEstimates()
    {
        using var dir = new TempDir();
        var options = new MetaTrainerOptions { MaxEpisodes = 6, ValidateEvery = 0, CheckpointEvery = 3, LearningRate = 1e-2, Sampler = TaskSamplers.Hard, Seed = 11 };
        var killer = new MetaTrainer { OnProgress = e => { if (e.Episode >= 4) throw new InvalidOperationException("killed"); } };
        Assert.Throws<InvalidOperationException>(() => killer.Train(TrainingTests.NewModel(), options, TaskSamplers.Apply(TaskSamplers.Hard, Train(), 6, 11), null, dir.Path));
        // A sampler already driven elsewhere is refused: its draws would not be the run's.
        var used = (HardClassSampler)TaskSamplers.Apply(TaskSamplers.Hard, Train(), 6, 11);
        used.Observe(0, used.Sample(0), [0, 0, 0, 1, 1, 1, 2, 2, 2]);
        var e = Assert.Throws<ArgumentException>(() => new MetaTrainer().Train(TrainingTests.NewModel(), options, used, null, Path.Combine(dir.Path, "other")));
        Assert.Contains("observed 1 episodes", e.Message);
        // The killed run resumes from its saved estimates (episode 3) with a fresh sampler.
        var resumed = new MetaTrainer().Resume(dir.Path, TaskSamplers.Apply(TaskSamplers.Hard, Train(), 6, 11), null);
        Assert.Equal(6, resumed.Progress.SamplerState!.Observed);
    }
}
