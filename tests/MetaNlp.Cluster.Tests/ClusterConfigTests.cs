namespace MetaNlp.Cluster.Tests;

/// <summary>The configuration file: the documented examples load, and a bad file names itself and the key.</summary>
public sealed class ClusterConfigTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("metanlp-cluster-config-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Samples([System.Runtime.CompilerServices.CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "..", "samples", "cluster"));

    [Fact]
    public void TheDocumentedExamplesLoad()
    {
        var local = ClusterConfig.Load(Path.Combine(Samples(), "localhost.json"));
        Assert.Equal(ClusterConfig.Localhost, local.Clustering);
        Assert.Equal([30000, 30001, 30002], local.Gateways);
        var adonet = ClusterConfig.Load(Path.Combine(Samples(), "adonet.json"));
        Assert.Equal(ClusterConfig.AdoNet, adonet.Clustering);
        Assert.Equal("Npgsql", adonet.Invariant);
        Assert.Equal("10.0.0.11", adonet.AdvertisedAddress);
    }

    [Theory]
    [InlineData("""{ "clustering": "zookeeper" }""", "clustering")]
    [InlineData("""{ "siloPort": 70000 }""", "siloPort")]
    [InlineData("""{ "siloPort": "x" }""", "siloPort")]
    [InlineData("""{ "gateways": [] }""", "gateways")]
    [InlineData("""{ "clustering": "adonet", "invariant": "Npgsql" }""", "connectionString")]
    [InlineData("""{ "clustering": "adonet", "connectionString": "Host=db" }""", "invariant")]
    [InlineData("""{ "clustering": "adonet", "invariant": "Npgsql", "connectionString": "Host=db", "advertisedAddress": "a.b" }""", "advertisedAddress")]
    [InlineData("""{ "clusterng": "localhost" }""", "clusterng")]
    [InlineData("""{ "responseTimeoutSeconds": 0 }""", "responseTimeoutSeconds")]
    public void ABadFileIsAnErrorNamingTheFileAndTheKey(string json, string key)
    {
        string path = Path.Combine(_dir, "bad.json");
        File.WriteAllText(path, json);
        var e = Assert.Throws<ArgumentException>(() => ClusterConfig.Load(path));
        Assert.Contains(path, e.Message);
        Assert.Contains($"'{key}'", e.Message);
    }
}
