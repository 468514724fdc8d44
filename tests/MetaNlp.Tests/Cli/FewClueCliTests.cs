using MetaNlp.Tests.Data;

namespace MetaNlp.Tests.Cli;

/// <summary>`metanlp eval --all-splits`: the FewCLUE protocol through the command line.</summary>
public class FewClueCliTests
{
    [RealDataFact]
    public void AllSplitsScoresEachSplitOnTestPublicAndReportsMeanAndSpread()
    {
        var r = CliRunner.Run("eval", "--dataset", "fewclue-eprstmt", "--all-splits", "--algo", "knn", "--encoder", "boe", "--tokenizer", "chars",
            "--embedding-dim", "16", "--threads", "1", "--json");
        Assert.True(r.ExitCode == 0, r.Stderr);
        var splits = r.Json["splits"]!.AsArray();
        Assert.Equal([1, 2, 3, 4, 5], splits.Select(s => (int)s!["split"]!));
        Assert.All(splits, s => Assert.Equal(610, (int)s!["queries"]!));
        var accuracies = splits.Select(s => (double)s!["accuracy"]!).ToArray();
        Assert.Equal(accuracies.Average(), (double)r.Json["accuracy"]!, 1);
        double std = Math.Sqrt(accuracies.Sum(a => (a - accuracies.Average()) * (a - accuracies.Average())) / accuracies.Length);
        Assert.Equal(std, (double)r.Json["std"]!, 1);
    }

    // A model fine-tuned on split 3 (train_2) was scored with split 1's support set (train_0) by `eval --model`, with no
    // error, before the split index was recorded in the checkpoint.
    [RealDataFact]
    public void AModelIsEvaluatedWithTheSupportSetOfTheSplitItWasTrainedOn()
    {
        using var dir = new TempDir();
        string run = Path.Combine(dir.Path, "split3");
        var train = CliRunner.Run("train", "--dataset", "fewclue-eprstmt", "--split-index", "3", "--unlabeled-epochs", "0", "--embedding-dim", "16",
            "--max-episodes", "2", "--val-every", "0", "--threads", "1", "--out", run);
        Assert.True(train.ExitCode == 0, train.Stderr);
        string model = Path.Combine(run, "model.ckpt");
        Assert.Equal(3, MetaNlp.Models.Checkpoint.ReadHeader(model).Spec.Training!.SplitIndex);
        foreach (var data in new[] { Array.Empty<string>(), ["--dataset", "fewclue-eprstmt"] })
        {
            var own = CliRunner.Run(["eval", "--model", model, .. data, "--threads", "1", "--json"]);
            Assert.True(own.ExitCode == 0, own.Stderr);
            Assert.Contains("train_2", own.Stdout, StringComparison.Ordinal);
        }
        var other = CliRunner.Run("eval", "--model", model, "--split-index", "1", "--threads", "1");
        Assert.Contains("support train_0", other.Stdout, StringComparison.Ordinal); // the command line still wins
    }

    [RealDataFact]
    public void AllSplitsOnANonFewClueDatasetIsAnOptionError()
    {
        var r = CliRunner.Run("eval", "--dataset", "banking77", "--all-splits", "--threads", "1");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("FewCLUE", r.Stderr, StringComparison.Ordinal);
    }
}
