using System.CommandLine;
using MetaNlp.Data;
using MetaNlp.Training;

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

    /// <summary>
    /// The episode shape: each of --ways, --shots, --queries from the command line; else, on a registered benchmark, its
    /// protocol's ways and queries (a benchmark is scored the published way, whatever episodes trained the model) with
    /// the shots of <paramref name="trained"/> (the model's training episodes), else the protocol's first; on a user's
    /// own data the model's training episodes; else 5-way 5-shot 5-query.
    /// </summary>
    public EpisodeSamplerOptions Read(ParseResult result, BenchmarkProtocol? protocol, EpisodeSamplerOptions? trained = null)
    {
        var benchmark = protocol?.EpisodeShape;
        var fallback = new EpisodeSamplerOptions();
        var options = new EpisodeSamplerOptions
        {
            Ways = result.GetValue(Ways) ?? benchmark?.Ways ?? trained?.Ways ?? fallback.Ways,
            Shots = result.GetValue(Shots) ?? trained?.Shots ?? benchmark?.Shots ?? fallback.Shots,
            Queries = result.GetValue(Queries) ?? benchmark?.Queries ?? trained?.Queries ?? fallback.Queries,
            SkipSmallClasses = result.GetValue(SkipSmallClasses),
        };
        options.Validate();
        return options;
    }

    /// <summary>The shape a training run draws: <paramref name="sampling"/> with the recipe's ways where it declares some (DNNC: 20) and --ways is not given.</summary>
    public EpisodeSamplerOptions WithRecipeWays(ParseResult result, EpisodeSamplerOptions sampling, TrainingRecipe recipe) =>
        recipe.Ways is int ways && result.GetValue(Ways) is null ? sampling with { Ways = ways } : sampling;
}
