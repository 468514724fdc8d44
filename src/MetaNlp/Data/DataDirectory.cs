namespace MetaNlp.Data;

/// <summary>Where benchmark datasets live: an explicit folder, else <c>METANLP_DATA</c>, else a per-user default.</summary>
public static class DataDirectory
{
    /// <summary>The environment variable naming the data folder.</summary>
    public const string EnvironmentVariable = "METANLP_DATA";

    /// <summary>
    /// <paramref name="explicitDir"/> when given (e.g. --data-dir), else the METANLP_DATA environment variable,
    /// else <see cref="DefaultDirectory"/>. The result is a full path; it is not created.
    /// </summary>
    public static string Resolve(string? explicitDir = null)
    {
        if (!string.IsNullOrWhiteSpace(explicitDir)) return Path.GetFullPath(explicitDir);
        var env = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(env)) return Path.GetFullPath(env);
        return DefaultDirectory;
    }

    /// <summary>The per-user default: LocalApplicationData/metanlp/datasets (on Linux ~/.local/share/metanlp/datasets).</summary>
    public static string DefaultDirectory
    {
        get
        {
            var baseDir = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
            if (string.IsNullOrEmpty(baseDir))
                baseDir = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
            return Path.Combine(baseDir, "metanlp", "datasets");
        }
    }
}
