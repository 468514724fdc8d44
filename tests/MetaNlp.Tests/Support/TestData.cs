namespace MetaNlp.Tests;

/// <summary>Where the benchmark data for real-data tests lives.</summary>
public static class TestData
{
    /// <summary>Skip reason when the data is absent.</summary>
    public const string SkipReason = "benchmark data not found: set METANLP_DATA or put shared/datasets beside the repository";

    private static readonly Lazy<string?> Dir = new(Find);

    /// <summary>METANLP_DATA if set, else shared/datasets beside the folder holding MetaNlp.slnx; null when neither exists.</summary>
    public static string? Directory => Dir.Value;

    /// <summary>Whether the data folder exists.</summary>
    public static bool Available => Directory is not null;

    /// <summary>A path under the data folder (throws when absent: only call from real-data tests).</summary>
    public static string Path(params string[] parts) =>
        System.IO.Path.Combine([Directory ?? throw new InvalidOperationException(SkipReason), .. parts]);

    /// <summary>The folder holding MetaNlp.slnx above the test binaries, or null.</summary>
    public static string? RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "MetaNlp.slnx"))) return dir.FullName;
        return null;
    }

    private static string? Find()
    {
        var env = Environment.GetEnvironmentVariable("METANLP_DATA");
        if (!string.IsNullOrWhiteSpace(env)) return System.IO.Directory.Exists(env) ? System.IO.Path.GetFullPath(env) : null;
        if (RepositoryRoot() is not { } root) return null;
        var candidate = System.IO.Path.GetFullPath(System.IO.Path.Combine(root, "..", "shared", "datasets"));
        return System.IO.Directory.Exists(candidate) ? candidate : null;
    }
}

/// <summary>A fact that needs the benchmark data; skipped when <see cref="TestData.Directory"/> is absent.</summary>
public sealed class RealDataFactAttribute : FactAttribute
{
    /// <summary>Sets Skip when the data is absent.</summary>
    public RealDataFactAttribute()
    {
        if (!TestData.Available) Skip = TestData.SkipReason;
    }
}

/// <summary>A theory that needs the benchmark data; skipped when <see cref="TestData.Directory"/> is absent.</summary>
public sealed class RealDataTheoryAttribute : TheoryAttribute
{
    /// <summary>Sets Skip when the data is absent.</summary>
    public RealDataTheoryAttribute()
    {
        if (!TestData.Available) Skip = TestData.SkipReason;
    }
}
