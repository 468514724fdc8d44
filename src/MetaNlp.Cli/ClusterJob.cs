using System.CommandLine;
using System.Text.Json;
using MetaNlp.Cluster;
using MetaNlp.Data;
using MetaNlp.Training;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MetaNlp.Cli;

/// <summary>
/// What a <c>train --cluster</c> coordinator tells its workers about the training episodes: the data options as
/// given (not the data folder, which is each machine's own), the episode shape, the seed and the task sampler, all
/// resolved as the coordinator resolved them, so every worker builds the same <see cref="IEpisodeSource"/> through
/// the same library calls (<see cref="TrainingSources.From"/>, <see cref="TaskSamplers.Apply"/>).
/// </summary>
internal sealed record ClusterJob(string[] DataArgs, int? Shots, EpisodeSamplerOptions Sampling, int Seed, string Sampler, long RunEpisodes)
{
    /// <summary>The data options of <paramref name="result"/> that were given, as command-line tokens, without --data-dir.</summary>
    public static string[] DataArguments(ParseResult result, DataSelection data) =>
        [.. new Option[] { data.Dataset, data.DatasetFile, data.Format, data.TextColumn, data.LabelColumn, data.SplitFile, data.TrainClasses, data.ValClasses, data.TestClasses, data.SplitIndex }
            .Select(o => (Option: o, Result: result.GetResult(o)))
            .Where(o => o.Result is { Implicit: false })
            .SelectMany(o => o.Result!.Tokens.Select(t => t.Value).Prepend(o.Option.Name))];

    public string ToJson() => JsonSerializer.Serialize(this);

    /// <summary>Builds the episodes on a worker, with its own data folder.</summary>
    public sealed class Factory(string? dataDir) : IEpisodeSourceFactory
    {
        public IEpisodeSource Create(string job)
        {
            var read = JsonSerializer.Deserialize<ClusterJob>(job) ?? throw new ArgumentException("An empty cluster job.", nameof(job));
            var selected = LoadData(read.DataArgs, read.Shots, dataDir);
            var sources = TrainingSources.From(selected.ForProtocol(), read.Sampling, read.Seed);
            return TaskSamplers.Apply(read.Sampler, sources.Train, read.RunEpisodes, read.Seed);
        }

        public IEpisodeSource CreateEvaluation(string job)
        {
            var read = JsonSerializer.Deserialize<ClusterEvaluationJob>(job) ?? throw new ArgumentException("An empty cluster evaluation job.", nameof(job));
            var selected = LoadData(read.DataArgs, read.Shots, dataDir);
            if (read.ValidationOf is { } training)
                return TrainingSources.From(selected.ForProtocol(), training.Sampling, training.Seed).Validation
                    ?? throw new ArgumentException("The coordinator's training data has no validation episodes here.", nameof(job));
            return new EpisodeSampler(selected.ForProtocol().Dataset.All, read.Classes, read.Sampling, read.Seed);
        }
    }

    /// <summary>The data that <paramref name="dataArgs"/> (command-line tokens of <see cref="DataSelection"/>) select, read from <paramref name="dataDir"/> when given.</summary>
    public static SelectedData LoadData(string[] dataArgs, int? shots, string? dataDir)
    {
        var data = new DataSelection();
        var command = new Command("job");
        data.AddTo(command);
        string[] args = dataDir is null ? dataArgs : [.. dataArgs, "--data-dir", dataDir];
        var parsed = command.Parse(args);
        if (parsed.Errors.Count > 0) throw new ArgumentException($"The coordinator's data options ({string.Join(' ', dataArgs)}) do not parse here: {parsed.Errors[0].Message}");
        return data.Load(parsed, shots);
    }

    /// <summary>A running client host connected to the cluster of <paramref name="config"/>: the coordinator's end.</summary>
    public static IHost Connect(ClusterConfig config)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        // Orleans' own messages go to stderr: stdout carries only the command's output (`--json`).
        builder.Logging.ClearProviders().AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        // The train command handles Ctrl-C and SIGTERM itself (state saved after the current step); the host's
        // console lifetime would also take them and close the connection under that step.
        builder.Services.AddSingleton<IHostLifetime, SignalFreeLifetime>();
        builder.UseOrleansClient(config.ConfigureClient);
        var host = builder.Build();
        host.StartAsync().GetAwaiter().GetResult();
        return host;
    }

    /// <summary>The cluster client of a host made by <see cref="Connect"/>.</summary>
    public static IClusterClient ClientOf(IHost host) => host.Services.GetRequiredService<IClusterClient>();

    private sealed class SignalFreeLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
