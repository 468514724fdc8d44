using MetaNlp.Algorithms;
using MetaNlp.Api;
using MetaNlp.Data;
using MetaNlp.Encoders;
using MetaNlp.Models;
using MetaNlp.Tests.Data;
using MetaNlp.Training;
using static TorchSharp.torch;

namespace MetaNlp.Tests.Api;

/// <remarks>
/// Serial: the seed tests need LibTorch's generator to themselves, and a test running beside them that draws random
/// numbers (any training) would change their draws.
/// </remarks>
[Collection(SerialCollection.Name)]
public class MetaLearnerTests
{
    private static readonly TextDataset Toy = new("toy", ToyData.Examples(classes: 40, perClass: 12));
    private static readonly ClassSplit Split = new(ToyData.Classes(0, 24), ToyData.Classes(24, 32), ToyData.Classes(32, 40));

    // A small CNN with word dropout, so training draws random numbers: what the seed has to fix.
    private static MetaLearnerOptions Options(int seed, int episodes = 30, string? output = null) => new()
    {
        Learner = Learner.PrototypicalNetwork(new PrototypicalOptions { Distance = MetricDistance.Cosine }),
        Encoder = new EncoderOptions { Kind = "cnn", EmbeddingDim = 16, Filters = 8, WordDropout = 0.3 },
        Trainer = new MetaTrainerOptions { MaxEpisodes = episodes, LearningRate = 1e-2, ValidateEvery = 10, ValidationEpisodes = 5, Patience = 100, CheckpointEvery = 100 },
        Episodes = new EpisodeSamplerOptions { Ways = 3, Shots = 2, Queries = 3 },
        Seed = seed,
        OutputDirectory = output,
    };

    [Fact]
    public void TwoRunsWithTheSameSeedAreIdenticalAndAnotherSeedDiffers()
    {
        using var first = MetaLearner.Train(Toy, Split, Options(seed: 7));
        using var second = MetaLearner.Train(Toy, Split, Options(seed: 7));
        using var other = MetaLearner.Train(Toy, Split, Options(seed: 8));
        Assert.Equal(first.Progress!.History, second.Progress!.History);
        Assert.True(SameWeights(first.Model, second.Model), "the same seed gave other weights");
        Assert.Equal(7, first.Model.Spec.Training!.Trainer!.Seed);
        Assert.False(SameWeights(first.Model, other.Model), "another seed gave the same weights");
        Assert.NotEqual(first.Progress.History.Select(h => h.TrainLoss), other.Progress!.History.Select(h => h.TrainLoss));
    }

    [Fact]
    public void TheTrainerAppliesItsSeedToTheRandomnessOfTraining()
    {
        // The same starting weights and episodes: only MetaTrainerOptions.Seed decides the word-dropout draws.
        using var dir = new TempDir();
        manual_seed(3);
        var spec = FewShotModel.NewSpec(PrototypicalNetwork.Name, null, new EncoderOptions { Kind = "cnn", EmbeddingDim = 16, Filters = 8, WordDropout = 0.3 },
            Toy.WithClasses(Split.Train).Select(e => e.Text));
        string start = Path.Combine(dir.Path, "start.ckpt");
        Checkpoint.SaveModel(start, FewShotModel.Create(spec));
        TrainingResult Run(string name, int seed)
        {
            var sampler = new EpisodeSampler(Toy.All, Split.Train, new EpisodeSamplerOptions { Ways = 3, Shots = 2, Queries = 3 }, 11);
            var options = new MetaTrainerOptions { MaxEpisodes = 12, LearningRate = 1e-2, ValidateEvery = 0, Seed = seed };
            manual_seed(Environment.TickCount); // whatever the generator held before must not matter
            return new MetaTrainer().Train(Checkpoint.LoadModel(start), options, sampler, null, Path.Combine(dir.Path, name));
        }
        var a = Checkpoint.LoadModel(Run("a", 5).ModelPath);
        var b = Checkpoint.LoadModel(Run("b", 5).ModelPath);
        var c = Checkpoint.LoadModel(Run("c", 6).ModelPath);
        Assert.True(SameWeights(a, b), "the same seed gave other weights");
        Assert.False(SameWeights(a, c), "another seed gave the same weights");
    }

    [Fact]
    public void AFrozenEncoderWithNothingToTrainIsRefused()
    {
        var options = new MetaLearnerOptions
        {
            Learner = Learner.PrototypicalNetwork(),
            Encoder = new EncoderOptions { Kind = MiniLmEncoder.KindName, FineTuneLayers = 0 },
            Trainer = new MetaTrainerOptions { MaxEpisodes = 5 },
        };
        var e = Assert.Throws<ArgumentException>(() => MetaLearner.Train(Toy, Split, options));
        Assert.Equal("options", e.ParamName);
        Assert.Contains("Nothing to train", e.Message);
        Assert.Contains("FromPretrained", e.Message);

        // The trainer itself refuses such a model too, before it writes anything.
        using var dir = new TempDir();
        string output = Path.Combine(dir.Path, "run");
        var frozen = FewShotModel.Create(FewShotModel.NewSpec(PrototypicalNetwork.Name, null, options.Encoder, []));
        var sampler = new EpisodeSampler(Toy.All, Split.Train, new EpisodeSamplerOptions { Ways = 3, Shots = 2, Queries = 3 }, 1);
        var refused = Assert.Throws<ArgumentException>(() => new MetaTrainer().Train(frozen, options.Trainer, sampler, null, output));
        Assert.Equal("model", refused.ParamName);
        Assert.Contains("Nothing to train", refused.Message);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void CancellingSavesTheStateAndResumeContinuesToTheEnd()
    {
        using var dir = new TempDir();
        string output = Path.Combine(dir.Path, "run");
        using var cancel = new CancellationTokenSource();
        var options = Options(seed: 3, episodes: 40, output) with { OnProgress = e => { if (e.Episode >= 15) cancel.Cancel(); } };

        var stopped = Assert.Throws<OperationCanceledException>(() => MetaLearner.Train(Toy, Split, options, cancel.Token));
        Assert.Contains("resume", stopped.Message);
        // CheckpointEvery is 100: the state on disk is the one cancelling wrote.
        var saved = Checkpoint.ReadHeader(Path.Combine(output, MetaTrainer.StateFileName)).Progress!;
        Assert.Equal(15, saved.EpisodesDone);
        Assert.Equal([0L, 10L], saved.History.Select(h => h.Episode));

        using var resumed = MetaLearner.Resume(Toy, output);
        Assert.Equal(40, resumed.Progress!.EpisodesDone);
        Assert.Equal([0L, 10L, 20L, 30L, 40L], resumed.Progress.History.Select(h => h.Episode));
        Assert.Equal(saved.History, resumed.Progress.History.Take(2));
        Assert.Equal(3, resumed.Model.Spec.Training!.Trainer!.Seed);

        // A new run into the folder is refused rather than mixed with the saved one.
        Assert.Throws<IOException>(() => MetaLearner.Train(Toy, Split, Options(seed: 3, output: output)));
        // The trained classifier classifies classes it never saw.
        resumed.Fit(Toy.WithClasses(ToyData.Classes(32, 35)).Where((_, i) => i % 4 == 0));
        Assert.Equal(3, resumed.Labels.Count);
    }

    [Fact]
    public void WithoutAnOutputFolderTheRunLeavesNoFilesBehindAndSavesWhereAsked()
    {
        var before = Directory.GetDirectories(Path.GetTempPath(), "metanlp-run-*").ToHashSet();
        using var trained = MetaLearner.Train(Toy, Split, Options(seed: 1, episodes: 10) with { MaxTokens = 5 });
        Assert.Equal(5, trained.Model.Spec.TokenizerOptions.MaxLength);
        Assert.Subset(before, Directory.GetDirectories(Path.GetTempPath(), "metanlp-run-*").ToHashSet());
        using var dir = new TempDir();
        trained.Fit(Toy.WithClasses(ToyData.Classes(32, 34)));
        trained.Save(Path.Combine(dir.Path, "model.ckpt"));
        using var loaded = FewShotClassifier.Load(dir.Path); // a run folder loads through its model.ckpt
        Assert.Equal(trained.Labels, loaded.Labels);
        Assert.Equal("toy", loaded.Model.Spec.Training!.Dataset);
    }

    [Fact]
    public void TypedLearnerOptionsAreCheckedAndNamedAsTheRegistryNamesThem()
    {
        Assert.Equal("fomaml", Learner.Maml(new GradientLearnerOptions { FirstOrder = true }).Algorithm);
        Assert.Equal("maml", Learner.Maml().Algorithm);
        Assert.Equal("Cosine", Learner.PrototypicalNetwork(new PrototypicalOptions { Distance = MetricDistance.Cosine }).ToJson()!.Value.GetProperty("distance").GetString());
        var bad = new MetaLearnerOptions { Learner = Learner.PrototypicalNetwork(new PrototypicalOptions { CosineScale = -1 }) };
        var e = Assert.ThrowsAny<ArgumentException>(() => MetaLearner.Train(Toy, Split, bad));
        Assert.Contains("CosineScale", e.Message);
        Assert.ThrowsAny<ArgumentException>(() => MetaLearner.Train(Toy, Split, new MetaLearnerOptions { Trainer = new MetaTrainerOptions { MaxEpisodes = 0 } }));
        Assert.Contains("MaxLength", Assert.ThrowsAny<ArgumentException>(() => MetaLearner.Train(Toy, Split, new MetaLearnerOptions { MaxTokens = 0 })).Message);
        Assert.ThrowsAny<ArgumentException>(() => MetaLearner.Train(Toy, new ClassSplit(["class0", "nope"], [], []), new MetaLearnerOptions()));
    }

    private static bool SameWeights(FewShotModel a, FewShotModel b)
    {
        var left = a.Learner.Module.state_dict();
        var right = b.Learner.Module.state_dict();
        return left.Count == right.Count && left.All(kv => right.TryGetValue(kv.Key, out var other) && Equal(kv.Value, other));

        static bool Equal(Tensor x, Tensor y) => x.shape.SequenceEqual(y.shape) && x.eq(y).all().item<bool>();
    }
}
