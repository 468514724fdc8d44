using System.Text.Json;
using System.Text.Json.Nodes;

namespace MetaNlp.Cli;

/// <summary>Writes results: one JSON object on stdout for scripts, or lines for people.</summary>
internal static class Output
{
    private static readonly JsonSerializerOptions Options = new() { WriteIndented = false };

    public static void Json(JsonObject result) => Console.Out.WriteLine(result.ToJsonString(Options));

    public static double Percent(double fraction) => Math.Round(fraction * 100, 2);
}
