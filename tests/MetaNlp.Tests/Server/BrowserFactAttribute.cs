namespace MetaNlp.Tests.Server;

/// <summary>
/// A fact that drives Debian's Chromium (METANLP_CHROMIUM, else /usr/bin/chromium). Skipped with a reason when the
/// browser is absent, unless METANLP_REQUIRE_BROWSER=1 (set by .ci/run, which installs it), where it then fails.
/// </summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    /// <summary>The browser executable.</summary>
    public static string ChromiumPath => Environment.GetEnvironmentVariable("METANLP_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    /// <summary>Whether CI demands the browser test.</summary>
    public static bool Required => Environment.GetEnvironmentVariable("METANLP_REQUIRE_BROWSER") == "1";

    /// <summary>Sets Skip when the browser is absent and not required.</summary>
    public BrowserFactAttribute()
    {
        if (!File.Exists(ChromiumPath) && !Required)
            Skip = $"Chromium not found at {ChromiumPath}: install Debian's chromium package (or set METANLP_CHROMIUM); .ci/run does both";
    }
}
