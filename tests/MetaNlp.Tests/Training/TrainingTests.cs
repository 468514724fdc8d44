using MetaNlp.Algorithms;
using MetaNlp.Data;
using MetaNlp.Encoders;
using MetaNlp.Models;
using MetaNlp.Tests.Data;
using MetaNlp.Training;
using static TorchSharp.torch;

namespace MetaNlp.Tests.Training;

/// <remarks>
/// Serial: a resumed run with dropout must draw exactly what the uninterrupted run drew, and LibTorch's generator is one
/// per process, so a test class drawing random numbers beside it (any training) shifts its draws (seen once in CI).
/// </remarks>
[Collection(SerialCollection.Name)]
public class TrainingTests
{
    private static readonly IReadOnlyList<TextExample> Pool = ToyData.Examples(classes: 40, perClass: 12);
    private static readonly EpisodeSamplerOptions Shape = new() { Ways = 3, Shots = 2, Queries = 3 };

    internal static FewShotModel NewModel(string algorithm = PrototypicalNetwork.Name, string encoder = "cnn", int seed = 5)
    {
        manual_seed(seed);
        var spec = FewShotModel.NewSpec(algorithm, null, new EncoderOptions { Kind = encoder, EmbeddingDim = 16, Filters = 8 },
            Pool.Where(e => ToyData.Classes(0, 24).Contains(e.Label)).Select(e => e.Text));
        return FewShotModel.Create(spec);
    }

    private static (EpisodeSampler Train, EpisodeSampler Validation) Samplers() =>
        (new EpisodeSampler(Pool, ToyData.Classes(0, 24), Shape, 11), new EpisodeSampler(Pool, ToyData.Classes(24, 32), Shape, 12));

    private static MetaTrainerOptions Options(int episodes = 40) =>
        new() { MaxEpisodes = episodes, ValidateEvery = 10, ValidationEpisodes = 10, CheckpointEvery = 10, Patience = 100, LearningRate = 1e-2, MetaBatchSize = 2 };

    [Fact]
    public void TrainingOnToyDataBeatsTheUntrainedModelAndKeepsTheBest()
    {
        using var dir = new TempDir();
        var (train, validation) = Samplers();
        var test = new EpisodeSampler(Pool, ToyData.Classes(32, 40), Shape, 13);
        var model = NewModel();
        double before = MetaNlp.Evaluation.EpisodeEvaluator.Evaluate(model.Learner, test, 60).Accuracy.Mean;
        var result = new MetaTrainer().Train(model, Options(120), train, validation, dir.Path);
        var best = Checkpoint.LoadModel(result.ModelPath);
        double after = MetaNlp.Evaluation.EpisodeEvaluator.Evaluate(best.Learner, test, 60).Accuracy.Mean;
        double inMemory = MetaNlp.Evaluation.EpisodeEvaluator.Evaluate(model.Learner, test, 60).Accuracy.Mean;
        Assert.True(after > before + 0.1, $"untrained {before:P1}, trained {after:P1}, in memory {inMemory:P1}, history {string.Join("; ", result.Progress.History)}");
        Assert.Equal(13, result.Progress.History.Count); // the starting weights, then every 10 episodes
        Assert.Equal(0, result.Progress.History[0].Episode);
        Assert.Null(result.Progress.History[0].TrainLoss);
        Assert.Equal(result.Progress.History.Max(h => h.Accuracy), result.Progress.BestValidationAccuracy);
        Assert.Equal(result.Progress.BestEpisode, best.Spec.Training!.EpisodesTrained);
        Assert.Equal(result.Progress.BestValidationAccuracy, best.Spec.Training.ValidationAccuracy);
    }

    [Fact]
    public void ValidationScoresASourcesDistinctEpisodesOnceEach()
    {
        using var dir = new TempDir();
        var (train, _) = Samplers();
        var support = Pool.Where(e => ToyData.Classes(24, 28).Contains(e.Label)).GroupBy(e => e.Label).SelectMany(g => g.Take(2)).ToList();
        var counted = new CountingSource(new FixedSupportValidation(support, [.. Pool.Where(e => ToyData.Classes(24, 28).Contains(e.Label)).Except(support)]));
        var result = new MetaTrainer().Train(NewModel(), Options(20), train, counted, dir.Path);
        Assert.Equal(3, result.Progress.History.Count);    // episodes 0, 10 and 20
        Assert.Equal(3, counted.Sampled);                  // one episode each, not the ValidationEpisodes = 10 asked for
        Assert.All(result.Progress.History, p => Assert.Equal(0, p.Ci95));
    }

    private sealed class CountingSource(IEpisodeSource inner) : IEpisodeSource
    {
        public int Sampled { get; private set; }
        public EpisodeSamplerOptions Options => inner.Options;
        public int Ways => inner.Ways;
        public string? Note => inner.Note;
        public int? DistinctEpisodes => inner.DistinctEpisodes;

        public Episode Sample(long index)
        {
            Sampled++;
            return inner.Sample(index);
        }
    }

    [Fact]
    public void EarlyStoppingStopsAfterPatienceValidationsWithoutImprovement()
    {
        using var dir = new TempDir();
        var (train, validation) = Samplers();
        // A learning rate of 1e-9 cannot improve the model, so validation accuracy stays where it started.
        var options = Options(1000) with { LearningRate = 1e-9, Patience = 2 };
        var result = new MetaTrainer().Train(NewModel(), options, train, validation, dir.Path);
        Assert.StartsWith("early stop", result.Progress.StopReason);
        Assert.Equal(TrainingStop.EarlyStop, result.Progress.Stop);
        Assert.False(result.Progress.StoppedAtBudget);
        Assert.Equal(3, result.Progress.History.Count); // the starting weights, then 2 without improvement
        Assert.Equal(20, result.Progress.EpisodesDone);
        // Nothing beat the starting weights, so they are the model kept.
        Assert.Equal(0, result.Progress.BestEpisode);
        Assert.Equal(0, Checkpoint.ReadHeader(result.ModelPath).Spec.Training!.EpisodesTrained);

        // A second new run into the same folder would leave this model in place until its own first save: refused.
        byte[] before = File.ReadAllBytes(result.ModelPath);
        var e = Assert.Throws<IOException>(() => new MetaTrainer().Train(NewModel(), options, train, validation, dir.Path));
        Assert.Contains("already holds a training run", e.Message);
        Assert.Contains(dir.Path, e.Message);
        Assert.Equal(before, File.ReadAllBytes(result.ModelPath));
    }

    [Fact]
    public void AResumedRunAfterAKillEndsWithTheSameWeightsAsAnUninterruptedRun()
    {
        using var straightDir = new TempDir();
        using var killedDir = new TempDir();
        using var startDir = new TempDir();
        // Both runs start from one saved model: two NewModel() calls can differ when another test class draws from
        // LibTorch's global generator in between.
        var start = Path.Combine(startDir.Path, "start.ckpt");
        Checkpoint.SaveModel(start, NewModel());
        var (train, validation) = Samplers();
        var straight = new MetaTrainer().Train(Checkpoint.LoadModel(start), Options(), train, validation, straightDir.Path);

        var killer = new MetaTrainer { OnProgress = e => { if (e.Episode >= 26) throw new SimulatedKill(); } };
        Assert.Throws<SimulatedKill>(() => killer.Train(Checkpoint.LoadModel(start), Options(), train, validation, killedDir.Path));
        Assert.Equal(20, Checkpoint.ReadHeader(Path.Combine(killedDir.Path, MetaTrainer.StateFileName)).Progress!.EpisodesDone);
        Assert.Empty(Directory.GetFiles(killedDir.Path, "*.tmp"));

        var resumed = new MetaTrainer().Resume(killedDir.Path, train, validation);
        Assert.Equal(straight.Progress.EpisodesDone, resumed.Progress.EpisodesDone);
        Assert.Equal(straight.Progress.History, resumed.Progress.History);
        AssertSameWeights(Path.Combine(straightDir.Path, MetaTrainer.StateFileName), Path.Combine(killedDir.Path, MetaTrainer.StateFileName));
        AssertSameWeights(straight.ModelPath, resumed.ModelPath);

        // Patience 100 never stops it early: the run ended at its budget, so a larger budget continues it.
        Assert.Equal(TrainingStop.EpisodeBudget, resumed.Progress.Stop);
        var longer = new MetaTrainer().Resume(killedDir.Path, train, validation, maxEpisodes: 44);
        Assert.Equal(44, longer.Progress.EpisodesDone);
    }

    [Fact]
    public void WithDropoutAResumedRunDrawsWhatTheUninterruptedRunDrew()
    {
        using var straightDir = new TempDir();
        using var killedDir = new TempDir();
        using var startDir = new TempDir();
        manual_seed(5);
        var spec = FewShotModel.NewSpec(PrototypicalNetwork.Name, null, new EncoderOptions { Kind = "cnn", EmbeddingDim = 16, Filters = 8, Dropout = 0.3, WordDropout = 0.2 },
            Pool.Where(e => ToyData.Classes(0, 24).Contains(e.Label)).Select(e => e.Text));
        var start = Path.Combine(startDir.Path, "start.ckpt");
        Checkpoint.SaveModel(start, FewShotModel.Create(spec));
        var (train, validation) = Samplers();
        var straight = new MetaTrainer().Train(Checkpoint.LoadModel(start), Options(), train, validation, straightDir.Path);

        // Seeded once per start (as before), the dropout masks after the resume at 20 differed from the straight run's.
        var killer = new MetaTrainer { OnProgress = e => { if (e.Episode >= 26) throw new SimulatedKill(); } };
        Assert.Throws<SimulatedKill>(() => killer.Train(Checkpoint.LoadModel(start), Options(), train, validation, killedDir.Path));
        var resumed = new MetaTrainer().Resume(killedDir.Path, train, validation);
        Assert.Equal(straight.Progress.History, resumed.Progress.History);
        AssertSameWeights(Path.Combine(straightDir.Path, MetaTrainer.StateFileName), Path.Combine(killedDir.Path, MetaTrainer.StateFileName));
    }

    [Fact]
    public void ARunKilledBeforeItsFirstCheckpointResumes()
    {
        using var dir = new TempDir();
        var (train, validation) = Samplers();
        // Killed right after the starting weights were validated and saved as model.ckpt, long before episode 10's state.
        var killer = new MetaTrainer { OnProgress = _ => throw new SimulatedKill() };
        Assert.Throws<SimulatedKill>(() => killer.Train(NewModel(), Options(), train, validation, dir.Path));
        Assert.True(File.Exists(Path.Combine(dir.Path, MetaTrainer.ModelFileName)));
        Assert.True(MetaTrainer.CanResume(dir.Path), "no training state to resume from");
        var resumed = new MetaTrainer().Resume(dir.Path, train, validation);
        Assert.Equal(40, resumed.Progress.EpisodesDone);
    }

    [Fact]
    public void ACheckpointRoundTripGivesTheSamePredictions()
    {
        using var dir = new TempDir();
        using var scope = NewDisposeScope();
        var model = NewModel(NearestNeighbour.Name, "boe");
        string path = Path.Combine(dir.Path, "m.ckpt");
        Checkpoint.SaveModel(path, model);
        var loaded = Checkpoint.LoadModel(path);
        Assert.Equal(NearestNeighbour.Name, loaded.Spec.Algorithm);
        var support = Pool.Where(e => e.Label is "class31" or "class32").Take(100).ToArray();
        var texts = Pool.Where(e => e.Label == "class33").Select(e => e.Text).ToArray();
        using var a = model.Learner.Adapt(support);
        using var b = loaded.Learner.Adapt(support);
        Assert.Equal(a.Predict(texts).Select(p => p.Probabilities.ToArray()), b.Predict(texts).Select(p => p.Probabilities.ToArray()));
    }

    [Fact]
    public void DamagedOrForeignCheckpointsAreClearErrorsNamingTheFile()
    {
        using var dir = new TempDir();
        var model = NewModel();
        string path = Path.Combine(dir.Path, "model.ckpt");
        Checkpoint.SaveModel(path, model);
        var bytes = File.ReadAllBytes(path);
        string truncated = dir.File("truncated.ckpt", "");
        File.WriteAllBytes(truncated, bytes[..(bytes.Length / 2)]);
        var e1 = Assert.Throws<InvalidDataException>(() => Checkpoint.LoadModel(truncated));
        Assert.Contains("truncated.ckpt", e1.Message);
        string foreign = dir.File("foreign.ckpt", "hello, I am not a checkpoint");
        var e2 = Assert.Throws<InvalidDataException>(() => Checkpoint.LoadModel(foreign));
        Assert.Contains("foreign.ckpt", e2.Message);
        var e3 = Assert.Throws<FileNotFoundException>(() => Checkpoint.LoadModel(Path.Combine(dir.Path, "none.ckpt")));
        Assert.Contains("none.ckpt", e3.Message);
        string notAState = Path.Combine(dir.Path, "run");
        Directory.CreateDirectory(notAState);
        File.Copy(path, Path.Combine(notAState, MetaTrainer.StateFileName));
        var e4 = Assert.Throws<InvalidDataException>(() => new MetaTrainer().Resume(notAState, Samplers().Train, null));
        Assert.Contains(MetaTrainer.StateFileName, e4.Message);
    }

    internal static void AssertSameWeights(string pathA, string pathB)
    {
        using var scope = NewDisposeScope();
        var a = Checkpoint.LoadModel(pathA).Learner.Module.named_parameters().ToArray();
        var b = Checkpoint.LoadModel(pathB).Learner.Module.named_parameters().ToArray();
        Assert.Equal(a.Select(p => p.name), b.Select(p => p.name));
        for (int i = 0; i < a.Length; i++)
            Assert.True(a[i].parameter.allclose(b[i].parameter, rtol: 0, atol: 1e-6), $"parameter {a[i].name} differs");
    }

    private sealed class SimulatedKill : Exception;
}
