using System.Text.Json.Nodes;
using MetaNlp.Data;
using MetaNlp.Models;
using MetaNlp.Tests.Data;
using MetaNlp.Training;
using MetaNlp.Workarounds;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MetaNlp.Tests.Checkpoints;

/// <summary>Issue 19, item 3 (checksums and finite weights) and the header half of item 2 (bounds), in the library.</summary>
public class CheckpointIntegrityTests
{
    private static readonly IReadOnlyList<TextExample> Pool = ToyData.Examples(classes: 12, perClass: 12);

    private static EpisodeSampler Train() => new(Pool, ToyData.Classes(0, 7), new EpisodeSamplerOptions { Ways = 3, Shots = 2, Queries = 3 }, 11);

    private static MetaTrainerOptions Options(int episodes = 4) =>
        new() { MaxEpisodes = episodes, ValidateEvery = 0, CheckpointEvery = 2, LearningRate = 1e-2 };

    [Fact]
    public void OverwrittenBytesBreakTheChecksumAndLoadingSaysSoNamingTheFile()
    {
        using var dir = new TempDir();
        string path = CheckpointFiles.SaveSmallModel(Path.Combine(dir.Path, "model.ckpt"));
        Assert.True(Checkpoint.VerifyChecksum(path));
        Assert.NotNull(Checkpoint.LoadModel(path));

        CheckpointFiles.Overwrite(path, 2000);
        var e = Assert.Throws<InvalidDataException>(() => Checkpoint.LoadModel(path));
        Assert.Contains("model.ckpt", e.Message);
        Assert.Contains("checksum", e.Message);
        Assert.Throws<InvalidDataException>(() => Checkpoint.VerifyChecksum(path));

        // One flipped bit, and one byte cut off the end, are caught too.
        string flipped = CheckpointFiles.SaveSmallModel(Path.Combine(dir.Path, "flipped.ckpt"));
        var bytes = File.ReadAllBytes(flipped);
        bytes[bytes.Length / 2] ^= 1;
        File.WriteAllBytes(flipped, bytes);
        Assert.Contains("checksum", Assert.Throws<InvalidDataException>(() => Checkpoint.LoadModel(flipped)).Message);
        File.WriteAllBytes(flipped, File.ReadAllBytes(CheckpointFiles.SaveSmallModel(flipped))[..^1]);
        Assert.Contains("flipped.ckpt", Assert.Throws<InvalidDataException>(() => Checkpoint.LoadModel(flipped)).Message);
    }

    [Fact]
    public void AWriteRemovesTheTemporaryFilesOfKilledWritesButNotOfARunningOne()
    {
        using var dir = new TempDir();
        string path = Path.Combine(dir.Path, "model.ckpt");
        using var finished = System.Diagnostics.Process.Start("true")!; // a process id that has surely ended
        finished.WaitForExit();
        string orphan = $"{path}.{finished.Id}.0123456789abcdef.tmp";
        string running = $"{path}.{Environment.ProcessId}.fedcba9876543210.tmp";
        string other = Path.Combine(dir.Path, "other.ckpt.1.tmp");
        foreach (var file in new[] { orphan, running, other }) File.WriteAllBytes(file, [1, 2, 3]);

        CheckpointFiles.SaveSmallModel(path);
        Assert.False(File.Exists(orphan), "the killed write's file is still there");
        Assert.True(File.Exists(running), "a live process's temporary file was removed");
        Assert.True(File.Exists(other), "another target's file was removed");
        Assert.Equal(3, Directory.GetFiles(dir.Path).Length);
    }

    [Fact]
    public void NonFiniteWeightsAreRefusedOnLoad()
    {
        using var dir = new TempDir();
        var model = CheckpointFiles.SmallModel();
        using (no_grad())
        {
            using var nan = double.NaN.ToScalar();
            model.Learner.Module.parameters().First().fill_(nan);
        }
        string path = Path.Combine(dir.Path, "nan.ckpt");
        Checkpoint.SaveModel(path, model);
        var e = Assert.Throws<InvalidDataException>(() => Checkpoint.LoadModel(path));
        Assert.Contains("nan.ckpt", e.Message);
        Assert.Contains("non-finite", e.Message);
    }

    [Fact]
    public void ACheckpointWrittenBeforeChecksumsStillLoadsButNonFiniteWeightsAreRefused()
    {
        using var dir = new TempDir();
        string path = CheckpointFiles.SaveSmallModel(Path.Combine(dir.Path, "old.ckpt"));
        var expected = Checkpoint.LoadModel(path).Learner.Module.parameters().First().clone();
        CheckpointFiles.RemoveChecksum(path);
        Assert.False(Checkpoint.VerifyChecksum(path));
        Assert.True(Checkpoint.LoadModel(path).Learner.Module.parameters().First().eq(expected).all().item<bool>());

        var model = CheckpointFiles.SmallModel();
        using (no_grad())
        {
            using var infinity = double.PositiveInfinity.ToScalar();
            model.Learner.Module.parameters().Last().fill_(infinity);
        }
        string infinite = Path.Combine(dir.Path, "old-infinite.ckpt");
        Checkpoint.SaveModel(infinite, model);
        CheckpointFiles.RemoveChecksum(infinite);
        var e = Assert.Throws<InvalidDataException>(() => Checkpoint.LoadModel(infinite));
        Assert.Contains("old-infinite.ckpt", e.Message);
        Assert.Contains("non-finite", e.Message);
    }

    [Theory]
    [InlineData("filters", -5, "Filters")]
    [InlineData("filters", 2_000_000_000, "Filters")]
    [InlineData("embeddingDim", 100_000_000, "EmbeddingDim")]
    [InlineData("hiddenSize", 0, "HiddenSize")]
    [InlineData("fineTuneLayers", 99, "FineTuneLayers")]
    public void AHeaderOutOfBoundsIsAnErrorNamingTheFileAndTheField(string field, int value, string named)
    {
        using var dir = new TempDir();
        foreach (bool withChecksum in new[] { true, false })
        {
            string path = CheckpointFiles.SaveSmallModel(Path.Combine(dir.Path, $"edited-{withChecksum}.ckpt"));
            CheckpointFiles.EditHeader(path, h => h["spec"]!["encoder"]![field] = value, withChecksum);
            // The header alone is read without building anything, so this cannot crash even where loading would.
            var e = Assert.Throws<InvalidDataException>(() => Checkpoint.ReadHeader(path));
            Assert.Contains(Path.GetFileName(path), e.Message);
            Assert.Contains(named, e.Message);
            Assert.Contains(Path.GetFileName(path), Assert.Throws<InvalidDataException>(() => Checkpoint.LoadModel(path)).Message);
        }
    }

    [Fact]
    public void OtherHeaderFieldsAreCheckedToo()
    {
        using var dir = new TempDir();
        (string Name, Action<JsonObject> Edit)[] edits =
        [
            ("algorithm", h => h["spec"]!["algorithm"] = "magic"),
            ("CosineScale", h => h["spec"]!["algorithmOptions"] = new JsonObject { ["cosineScale"] = -1 }),
            ("Distance", h => h["spec"]!["algorithmOptions"] = new JsonObject { ["distance"] = 42 }),
            ("MaxLength", h => h["spec"]!["tokenizerOptions"]!["maxLength"] = 0),
            ("FilterWidths", h => h["spec"]!["encoder"]!["filterWidths"] = new JsonArray(3, 100_000)),
            ("encoder", h => h["spec"]!["encoder"] = null),
        ];
        foreach (var (name, edit) in edits)
        {
            string path = CheckpointFiles.SaveSmallModel(Path.Combine(dir.Path, $"{name}.ckpt"));
            CheckpointFiles.EditHeader(path, edit);
            var e = Assert.Throws<InvalidDataException>(() => Checkpoint.ReadHeader(path));
            Assert.Contains($"{name}.ckpt", e.Message);
            Assert.Contains(name, e.Message.Replace($"{name}.ckpt", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public void ADamagedTrainingStateIsAnErrorNamingItInsteadOfANaNRun()
    {
        using var dir = new TempDir();
        new MetaTrainer().Train(CheckpointFiles.SmallModel(), Options(), Train(), null, dir.Path);
        string state = Path.Combine(dir.Path, MetaTrainer.StateFileName);
        Assert.True(Checkpoint.VerifyChecksum(state));
        CheckpointFiles.Overwrite(state, 2000);
        var e = Assert.Throws<InvalidDataException>(() => new MetaTrainer().Resume(dir.Path, Train(), null, maxEpisodes: 8));
        Assert.Contains(MetaTrainer.StateFileName, e.Message);
        Assert.Contains("checksum", e.Message);
    }

    [Fact]
    public void ATrainingStateWithNonFiniteOptimizerMomentsIsRefused()
    {
        using var dir = new TempDir();
        new MetaTrainer().Train(CheckpointFiles.SmallModel(), Options(), Train(), null, dir.Path);
        string state = Path.Combine(dir.Path, MetaTrainer.StateFileName);
        var (model, progress, optimizer) = Checkpoint.LoadTrainingState(state, m => new ScalarSafeAdam(m.Learner.Module.parameters(), 1e-2, 0));
        var moments = (Adam.State)optimizer.state_dict().State[0];
        using (no_grad())
        {
            using var nan = double.NaN.ToScalar();
            moments.exp_avg_sq.fill_(nan);
        }
        Checkpoint.SaveTrainingState(state, model, progress, optimizer);
        CheckpointFiles.RemoveChecksum(state); // as a file from before checksums would be
        var e = Assert.Throws<InvalidDataException>(() => new MetaTrainer().Resume(dir.Path, Train(), null, maxEpisodes: 8));
        Assert.Contains(MetaTrainer.StateFileName, e.Message);
        Assert.Contains("optimizer state", e.Message);
    }

    [Fact]
    public void AResumedRunStillWorksWithTheChecksummedState()
    {
        using var dir = new TempDir();
        new MetaTrainer().Train(CheckpointFiles.SmallModel(), Options(), Train(), null, dir.Path);
        var resumed = new MetaTrainer().Resume(dir.Path, Train(), null, maxEpisodes: 8);
        Assert.Equal(8, resumed.Progress.EpisodesDone);
        Assert.True(Checkpoint.VerifyChecksum(resumed.ModelPath));
    }
}
