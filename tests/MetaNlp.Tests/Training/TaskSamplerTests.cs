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
    }
}
