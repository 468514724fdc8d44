namespace MetaNlp.Tests.Cli;

/// <summary>`worker --cluster` and `train --cluster` refuse a bad configuration file with exit 2, naming the file and the key, before any work.</summary>
public class ClusterCliTests
{
    [Theory]
    [InlineData("worker")]
    [InlineData("train")]
    public void ABadClusterFileIsExit2NamingTheFileAndTheKey(string command)
    {
        string path = Path.Combine(Path.GetTempPath(), $"metanlp-cluster-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, """{ "clustering": "adonet", "invariant": "Npgsql" }""");
        try
        {
            var r = command == "worker" ? CliRunner.Run("worker", "--cluster", path) : CliRunner.Run("train", "--dataset-file", "none.csv", "--cluster", path);
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
}
