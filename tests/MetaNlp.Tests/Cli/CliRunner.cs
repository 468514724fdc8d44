using System.Diagnostics;
using System.Text.Json.Nodes;

namespace MetaNlp.Tests.Cli;

/// <summary>Runs the real `metanlp` program (MetaNlp.Cli.dll from the test output) in a child process.</summary>
internal static class CliRunner
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public JsonObject Json => JsonNode.Parse(Stdout.Trim().Split('\n')[^1])!.AsObject();
    }

    public static Result RunWithInput(string? stdin, params string[] args) => RunWithInput(stdin, TimeSpan.FromMinutes(3), args);

    /// <summary>Runs with a shorter limit, for a command that must end by itself (a server that must refuse to start).</summary>
    public static Result RunFor(TimeSpan limit, params string[] args) => RunWithInput(null, limit, args);

    private static Result RunWithInput(string? stdin, TimeSpan limit, string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "MetaNlp.Cli.dll"));
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["METANLP_DATA"] = TestData.Directory ?? Path.Combine(Path.GetTempPath(), "metanlp-no-data");
        using var process = Process.Start(start)!;
        if (stdin is not null) process.StandardInput.Write(stdin);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"metanlp {string.Join(' ', args)} did not finish in {limit.TotalSeconds:F0} s.");
        }
        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }

    public static Result Run(params string[] args) => RunWithInput(null, args);
}
