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
}
