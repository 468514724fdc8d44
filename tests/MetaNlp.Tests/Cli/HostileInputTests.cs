using System.Globalization;
using System.Text;
using MetaNlp.Tests.Checkpoints;
using MetaNlp.Tests.Data;
using MetaNlp.Training;

namespace MetaNlp.Tests.Cli;

/// <summary>
/// Issue 19, items 2 and 3 through the real program (a child process, so a native crash fails the test instead of
/// ending the test run): options and checkpoint headers out of bounds, and damaged checkpoints, are one line on
/// stderr and exit code 2, never an abort, a segfault, a stack trace, NaN probabilities or a server that starts.
/// </summary>
public class HostileInputTests
{
    private static string WriteToyCsv(TempDir dir)
    {
        var csv = new StringBuilder("text,label\n");
        foreach (var e in ToyData.Examples(classes: 12, perClass: 12)) csv.Append(CultureInfo.InvariantCulture, $"\"{e.Text}\",{e.Label}\n");
        return dir.File("toy.csv", csv.ToString());
    }

    // `train` on the toy file's classes (3-way and 6 episodes unless `options` say otherwise).
    private static string[] Train(string csv, string output, params string[] options) =>
    [
        "train", "--dataset-file", csv, "--train-classes", string.Join(',', ToyData.Classes(0, 7)), "--val-classes", string.Join(',', ToyData.Classes(7, 10)),
        "--test-classes", string.Join(',', ToyData.Classes(10, 12)), "--encoder", "cnn", "--val-every", "3", "--val-episodes", "2", "--out", output,
        .. options.Contains("--ways") ? [] : new[] { "--ways", "3" }, .. options.Contains("--max-episodes") ? [] : new[] { "--max-episodes", "6" }, .. options,
    ];

    private static string Support(TempDir dir) =>
        dir.File("support.csv", "text,label\n" + string.Join('\n', ToyData.Examples(12, 12).Where(x => x.Label is "class10" or "class11").Select(x => $"{x.Text},{x.Label}")));

    // A refused command: exit code 2 and one error line on stderr, "error: ...", containing every one of `expected`;
    // no stack trace (the other lines are notes, such as "Resuming the run in ...").
    private static void AssertRefused(CliRunner.Result r, params string[] expected)
    {
        Assert.True(r.ExitCode == 2, $"exit {r.ExitCode}; stderr: {r.Stderr}");
        var lines = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.DoesNotContain(lines, l => l.StartsWith("   at ", StringComparison.Ordinal) || l.Contains("Unhandled exception", StringComparison.Ordinal));
        var errors = lines.Where(l => l.StartsWith("error: ", StringComparison.Ordinal)).ToArray();
        Assert.True(errors.Length == 1, r.Stderr);
        foreach (var text in expected) Assert.Contains(text, errors[0]);
    }

    [Fact]
    public void ThreadsOutOfRangeAreOneLineErrorsInTrainPredictEvalAndServe()
    {
        using var dir = new TempDir();
        string csv = WriteToyCsv(dir);
        AssertRefused(CliRunner.Run(Train(csv, Path.Combine(dir.Path, "run"), "--threads", "0")), "Threads", "1 to 1,024", "got 0");
        AssertRefused(CliRunner.Run("predict", "--model", Path.Combine(dir.Path, "none.ckpt"), "--support", csv, "--text", "hi", "--threads", "-1"), "Threads", "got -1");
        AssertRefused(CliRunner.Run("eval", "--dataset-file", csv, "--threads", "0"), "Threads");
        AssertRefused(CliRunner.RunFor(TimeSpan.FromSeconds(60), "serve", "--urls", "http://127.0.0.1:0", "--db", Path.Combine(dir.Path, "s.db"), "--threads", "0"), "Threads");
    }

    [Theory]
    [InlineData("--filters 2000000000", "Filters")]
    [InlineData("--embedding-dim 100000000", "EmbeddingDim")]
    [InlineData("--shots 2147483647", "Shots")]
    [InlineData("--ways 20 --shots 5000 --queries 5000", "100,000")]
    [InlineData("--lr 1e30", "LearningRate")]
    [InlineData("--algo maml --inner-lr 1e30", "InnerLearningRate")]
    [InlineData("--cosine-scale NaN", "CosineScale")]
    [InlineData("--word-dropout 2", "WordDropout")]
    public void SizesAndRatesOutOfBoundsAreOneLineErrorsBeforeAnyTensorIsMade(string options, string named)
    {
        using var dir = new TempDir();
        var r = CliRunner.Run(Train(WriteToyCsv(dir), Path.Combine(dir.Path, "run"), [.. options.Split(' '), "--threads", "1"]));
        AssertRefused(r, named);
        Assert.False(File.Exists(Path.Combine(dir.Path, "run", MetaTrainer.ModelFileName)));
    }

    [Theory]
    [InlineData(-5)]
    [InlineData(2_000_000_000)]
    public void ACheckpointHeaderOutOfBoundsIsAnErrorNamingTheFileInPredictAndServe(int filters)
    {
        using var dir = new TempDir();
        // Without a checksum (the format before it) and with a correct one (a hand-made file): the header is checked either way.
        foreach (bool withChecksum in new[] { false, true })
        {
            string model = CheckpointFiles.SaveSmallModel(Path.Combine(dir.Path, $"edited-{withChecksum}.ckpt"));
            CheckpointFiles.EditHeader(model, h => h["spec"]!["encoder"]!["filters"] = filters, withChecksum);
            AssertRefused(CliRunner.Run("predict", "--model", model, "--support", Support(dir), "--text", "topic1 now", "--threads", "1"), Path.GetFileName(model), "Filters");
            AssertRefused(CliRunner.RunFor(TimeSpan.FromSeconds(60), "serve", "--urls", "http://127.0.0.1:0", "--db", Path.Combine(dir.Path, "s.db"), "--model", $"toy={model}", "--threads", "1"),
                Path.GetFileName(model), "Filters");
        }
    }

    [Fact]
    public void ADamagedCheckpointIsAnErrorInPredictEvalAndServeInsteadOfNaNOrChance()
    {
        using var dir = new TempDir();
        string csv = WriteToyCsv(dir);
        string model = CheckpointFiles.SaveSmallModel(Path.Combine(dir.Path, "model.ckpt"));
        var before = CliRunner.Run("predict", "--model", model, "--support", Support(dir), "--text", "topic1 now", "--threads", "1");
        Assert.True(before.ExitCode == 0, before.Stderr);

        CheckpointFiles.Overwrite(model, 2000);
        AssertRefused(CliRunner.Run("predict", "--model", model, "--support", Support(dir), "--text", "topic1 now", "--threads", "1"), "model.ckpt", "checksum");
        AssertRefused(CliRunner.Run("eval", "--model", model, "--dataset-file", csv, "--ways", "2", "--episodes", "5", "--threads", "1"), "model.ckpt", "checksum");
        AssertRefused(CliRunner.RunFor(TimeSpan.FromSeconds(60), "serve", "--urls", "http://127.0.0.1:0", "--db", Path.Combine(dir.Path, "s.db"), "--model", $"toy={model}", "--threads", "1"),
            "model.ckpt", "checksum");
    }

    [Fact]
    public void ResumingFromADamagedTrainingStateIsAnErrorNamingIt()
    {
        using var dir = new TempDir();
        string csv = WriteToyCsv(dir);
        string output = Path.Combine(dir.Path, "run");
        var first = CliRunner.Run(Train(csv, output, "--embedding-dim", "16", "--filters", "8", "--threads", "1"));
        Assert.True(first.ExitCode == 0, first.Stderr);
        CheckpointFiles.Overwrite(Path.Combine(output, MetaTrainer.StateFileName), 2000);
        var resumed = CliRunner.Run(Train(csv, output, "--embedding-dim", "16", "--filters", "8", "--threads", "1", "--resume", "--max-episodes", "12"));
        AssertRefused(resumed, MetaTrainer.StateFileName, "checksum");
    }
}
