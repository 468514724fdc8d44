using System.Globalization;
using System.Text;
using MetaNlp.Data;
using MetaNlp.Tests.Data;
using MetaNlp.Training;

namespace MetaNlp.Tests.Cli;

public class SamplerCliTests
{
    [Fact]
    public void TrainRecordsTheSamplerAndAResumeRefusesAnotherOne()
    {
        using var dir = new TempDir();
        var csv = new StringBuilder("text,label\n");
        foreach (var e in ToyData.Examples(classes: 10, perClass: 8)) csv.Append(CultureInfo.InvariantCulture, $"\"{e.Text}\",{e.Label}\n");
        string file = dir.File("toy.csv", csv.ToString());
        string output = Path.Combine(dir.Path, "run");
        string[] data = ["--dataset-file", file, "--train-classes", string.Join(',', ToyData.Classes(0, 6)), "--val-classes", string.Join(',', ToyData.Classes(6, 8)), "--test-classes", string.Join(',', ToyData.Classes(8, 10))];
        string[] common = [.. "train --encoder cnn --ways 3 --shots 2 --queries 3 --max-episodes 6 --val-every 3 --val-episodes 2 --embedding-dim 16 --filters 8 --threads 1 --out".Split(' '), output, .. data];

        var train = CliRunner.Run([.. common, "--sampler", "curriculum"]);
        Assert.True(train.ExitCode == 0, train.Stderr);
        Assert.Equal(TaskSamplers.Curriculum, ResumePolicy.Find(output, resume: true)!.Training.Trainer!.Sampler);

        var other = CliRunner.Run([.. common, "--sampler", "balanced", "--resume"]);
        Assert.Equal(2, other.ExitCode);
        Assert.Contains("--sampler balanced differs from the saved run's curriculum", other.Stderr);

        var unknown = CliRunner.Run([.. common, "--sampler", "hardest"]);
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("hardest", unknown.Stderr);
    }

    [Fact]
    public void TheHardSamplerTrainsResumesAndRefusesBadOptionsByName()
    {
        using var dir = new TempDir();
        var csv = new StringBuilder("text,label\n");
        foreach (var e in ToyData.Examples(classes: 10, perClass: 8)) csv.Append(CultureInfo.InvariantCulture, $"\"{e.Text}\",{e.Label}\n");
        string file = dir.File("toy.csv", csv.ToString());
        string output = Path.Combine(dir.Path, "run");
        string[] data = ["--dataset-file", file, "--train-classes", string.Join(',', ToyData.Classes(0, 6)), "--val-classes", string.Join(',', ToyData.Classes(6, 8)), "--test-classes", string.Join(',', ToyData.Classes(8, 10))];
        string[] common = [.. "train --encoder cnn --ways 3 --shots 2 --queries 3 --val-every 3 --val-episodes 2 --embedding-dim 16 --filters 8 --threads 1 --out".Split(' '), output, .. data];

        var floor = CliRunner.Run([.. common, "--max-episodes", "4", "--sampler", "hard", "--hard-floor", "0"]);
        Assert.Equal(2, floor.ExitCode);
        Assert.Contains("--hard-floor", floor.Stderr);
        Assert.Contains("above 0", floor.Stderr);
        var notHard = CliRunner.Run([.. common, "--max-episodes", "4", "--hard-temperature", "2"]);
        Assert.Equal(2, notHard.ExitCode);
        Assert.Contains("--hard-temperature applies to --sampler hard only", notHard.Stderr);

        var train = CliRunner.Run([.. common, "--max-episodes", "4", "--sampler", "hard", "--hard-temperature", "0.5"]);
        Assert.True(train.ExitCode == 0, train.Stderr);
        var saved = ResumePolicy.Find(output, resume: true)!;
        Assert.Equal(TaskSamplers.Hard, saved.Training.Trainer!.Sampler);
        Assert.Equal(0.5, saved.Training.Trainer.HardSampler.Temperature);
        Assert.Equal(4, saved.State.Progress!.SamplerState!.Observed);
        var longer = CliRunner.Run([.. common, "--max-episodes", "7", "--sampler", "hard", "--resume"]);
        Assert.True(longer.ExitCode == 0, longer.Stderr);
        Assert.Equal(7, ResumePolicy.Find(output, resume: true)!.State.Progress!.SamplerState!.Observed);
    }
}
