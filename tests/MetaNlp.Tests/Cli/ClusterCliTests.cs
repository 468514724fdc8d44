namespace MetaNlp.Tests.Cli;

/// <summary>
/// `worker --cluster`, `train --cluster` and `eval --cluster` refuse a bad configuration file with exit 2, naming the
/// file and the key, before any work; `eval --cluster` refuses the protocols it cannot spread.
/// </summary>
public class ClusterCliTests
{
    [Theory]
    [InlineData("worker")]
    [InlineData("train")]
    [InlineData("eval")]
    public void ABadClusterFileIsExit2NamingTheFileAndTheKey(string command)
    {
        string path = Path.Combine(Path.GetTempPath(), $"metanlp-cluster-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, """{ "clustering": "adonet", "invariant": "Npgsql" }""");
        try
        {
            var r = command == "worker" ? CliRunner.Run("worker", "--cluster", path) : CliRunner.Run(command, "--dataset-file", "none.csv", "--cluster", path);
            Assert.True(r.ExitCode == 2, $"exit {r.ExitCode}; stderr: {r.Stderr}");
            Assert.Contains(path, r.Stderr);
            Assert.Contains("'connectionString'", r.Stderr);
            Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [RealDataFact]
    public void EvalRefusesToSpreadAFixedSupportProtocol()
    {
        // DNNC's protocol is one fixed support set against the whole test set, not sampled episodes.
        string config = WriteLocalhostConfig();
        try
        {
            var r = CliRunner.Run("eval", "--dataset", "dnnc-banking77", "--data-dir", TestData.Directory!, "--encoder", "boe", "--cluster", config);
            Assert.True(r.ExitCode == 2, $"exit {r.ExitCode}; stderr: {r.Stderr}");
            Assert.Contains("leave out --cluster", r.Stderr);
        }
        finally
        {
            File.Delete(config);
        }
    }

    [Fact]
    public void EvalRefusesAllSplitsOnACluster()
    {
        string config = WriteLocalhostConfig();
        try
        {
            var r = CliRunner.Run("eval", "--dataset", "fewclue-eprstmt", "--all-splits", "--cluster", config);
            Assert.True(r.ExitCode == 2, $"exit {r.ExitCode}; stderr: {r.Stderr}");
            Assert.Contains("leave out --cluster", r.Stderr);
        }
        finally
        {
            File.Delete(config);
        }
    }

    private static string WriteLocalhostConfig()
    {
        string path = Path.Combine(Path.GetTempPath(), $"metanlp-cluster-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, """{ "clustering": "localhost" }""");
        return path;
    }
}
