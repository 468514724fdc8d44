using System.CommandLine;
using MetaNlp.Data;

namespace MetaNlp.Cli;

/// <summary>--ways, --shots, --queries: the episode shape, defaulting to the benchmark's protocol.</summary>
internal sealed class EpisodeOptions
{
    public Option<int?> Ways { get; } = new("--ways") { Description = "Classes per episode (N), 1 to 1,000. Default: the benchmark's, else 5." };
    public Option<int?> Shots { get; } = new("--shots") { Description = "Support examples per class (K), 1 to 10,000. Default: the benchmark's first, else 5." };
    public Option<int?> Queries { get; } = new("--queries") { Description = "Query examples per class, 1 to 10,000 (at most 100,000 examples per episode). Default: the benchmark's, else 5." };
    public Option<bool> SkipSmallClasses { get; } = new("--skip-small-classes") { Description = "Leave out classes with fewer than shots+queries examples instead of failing." };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Ways, Shots, Queries, SkipSmallClasses }) command.Options.Add(option);
    }

    /// <summary>The episode shape: the command line, else <paramref name="fallback"/>, else the protocol, else 5-way 5-shot 5-query.</summary>
    public EpisodeSamplerOptions Read(ParseResult result, BenchmarkProtocol? protocol, EpisodeSamplerOptions? fallback = null)
    {
        int ways = result.GetValue(Ways) ?? fallback?.Ways ?? (protocol is { Kind: BenchmarkKind.Episodic or BenchmarkKind.ArscTasks } ? protocol.Ways : 5);
        int shots = result.GetValue(Shots) ?? fallback?.Shots ?? (protocol is { Shots.Count: > 0 } ? protocol.Shots[0] : 5);
        int queries = result.GetValue(Queries) ?? fallback?.Queries ?? (protocol is { QueriesPerClass: > 0 } ? protocol.QueriesPerClass : 5);
        var options = new EpisodeSamplerOptions { Ways = ways, Shots = shots, Queries = queries, SkipSmallClasses = result.GetValue(SkipSmallClasses) };
        options.Validate();
        return options;
    }
}
