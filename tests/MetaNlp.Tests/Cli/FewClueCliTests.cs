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

    [RealDataFact]
    public void AllSplitsOnANonFewClueDatasetIsAnOptionError()
    {
        var r = CliRunner.Run("eval", "--dataset", "banking77", "--all-splits", "--threads", "1");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("FewCLUE", r.Stderr, StringComparison.Ordinal);
    }
}
