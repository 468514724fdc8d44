using System.Globalization;
using System.Text;
using MetaNlp.Models;
using MetaNlp.Tests.Data;
using MetaNlp.Training;

namespace MetaNlp.Tests.Cli;

/// <summary>
/// Issue 18, item 2: the CLI hands the learner options it is given to the chosen learner's own options record, so
/// an option of another learner is an error naming the option and the learner (it used to be silently ignored).
/// </summary>
public class LearnerOptionTests
{
    private static string WriteToyCsv(TempDir dir)
    {
        var csv = new StringBuilder("text,label\n");
        foreach (var e in ToyData.Examples(classes: 12, perClass: 12)) csv.Append(CultureInfo.InvariantCulture, $"\"{e.Text}\",{e.Label}\n");
        return dir.File("toy.csv", csv.ToString());
    }

    [Theory]
    [InlineData("train", "--algo protonet --fce", "--fce", "'protonet'")]
    [InlineData("train", "--algo siamese --relation-loss mse", "--relation-loss", "'siamese'")]
    [InlineData("train", "--algo maml --distance cosine --routing-iterations 2", "--distance, --routing-iterations", "'maml'")]
    [InlineData("eval", "--algo knn --inner-steps 3", "--inner-steps", "'knn'")]
    [InlineData("eval", "--algo protonet --ridge-penalty 3", "--ridge-penalty", "'protonet'")]
    public void AnOptionOfAnotherLearnerIsAnErrorNamingTheOptionAndTheLearner(string command, string options, string option, string learner)
    {
        using var dir = new TempDir();
        string csv = WriteToyCsv(dir);
        string output = Path.Combine(dir.Path, "run");
        string[] data = command == "train"
            ? ["--dataset-file", csv, "--train-classes", string.Join(',', ToyData.Classes(0, 7)), "--val-classes", string.Join(',', ToyData.Classes(7, 9)), "--out", output, "--max-episodes", "2"]
            : ["--dataset-file", csv];
        var r = CliRunner.Run([command, .. options.Split(' '), "--encoder", "boe", "--embedding-dim", "8", "--ways", "3", "--shots", "2", "--threads", "1", .. data]);
        Assert.True(r.ExitCode == 2, $"exit {r.ExitCode}; stderr: {r.Stderr}");
        var errors = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("error: ", StringComparison.Ordinal)).ToList();
        var error = Assert.Single(errors);
        Assert.Contains(option, error);
        Assert.Contains(learner, error);
        Assert.DoesNotContain("   at ", r.Stderr);
        Assert.False(File.Exists(Path.Combine(output, MetaTrainer.ModelFileName)));
    }

    [Fact]
    public void AnOptionOfTheChosenLearnerIsKeptAndTheRecipesMetricFillsTheRest()
    {
        using var dir = new TempDir();
        string csv = WriteToyCsv(dir);
        string output = Path.Combine(dir.Path, "run");
        var r = CliRunner.Run("train", "--algo", "knn", "--cosine-scale", "7", "--encoder", "boe", "--embedding-dim", "8", "--ways", "3", "--shots", "2", "--queries", "2",
            "--max-episodes", "1", "--val-every", "0", "--threads", "1", "--json", "--out", output,
            "--dataset-file", csv, "--train-classes", string.Join(',', ToyData.Classes(0, 7)));
        Assert.True(r.ExitCode == 0, r.Stderr);
        var spec = Checkpoint.ReadHeader(Path.Combine(output, MetaTrainer.ModelFileName)).Spec;
        // The general recipe's metric is cosine; every property of the record is stored, as before.
        Assert.Equal("""{"distance":"Cosine","cosineScale":7}""", spec.AlgorithmOptions!.Value.GetRawText());
    }
}
