using System.CommandLine;
using MetaNlp.Cluster;
using MetaNlp.Training;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MetaNlp.Workarounds;

namespace MetaNlp.Cli.Commands;

/// <summary><c>metanlp worker --cluster CONFIG</c>: a silo that computes meta-gradients for <c>train --cluster</c> and scores test episodes for <c>eval --cluster</c> coordinators (docs/CLUSTER.md).</summary>
internal static class WorkerCommand
{
    public static Command Create()
    {
        var cluster = new Option<string>("--cluster") { Description = "The cluster's configuration file (JSON; docs/CLUSTER.md).", Required = true };
        var siloPort = new Option<int?>("--silo-port") { Description = "This worker's silo port, instead of the file's siloPort (several workers on one machine need different ones)." };
        var gatewayPort = new Option<int?>("--gateway-port") { Description = "This worker's gateway port, instead of the file's gatewayPort." };
        var dataDir = CliOptions.DataDir();
        var threads = CliOptions.Threads();
        var command = new Command("worker", "Start a worker (an Orleans silo) that computes meta-gradients for `train --cluster` and scores test episodes for `eval --cluster` coordinators, until Ctrl-C.");
        foreach (var option in new Option[] { cluster, siloPort, gatewayPort, dataDir, threads }) command.Options.Add(option);
        command.SetAction(result => CommandRunner.Run(() =>
        {
            var config = ClusterConfig.Load(result.GetValue(cluster)!);
            foreach (var (name, port) in new[] { ("--silo-port", result.GetValue(siloPort)), ("--gateway-port", result.GetValue(gatewayPort)) })
            {
                if (port is < 1 or > 65535) throw new ArgumentException($"{name} {port} is not a port (1 to 65535).");
            }
            NativeThreads.SetThreads(result.GetValue(threads));
            var builder = Host.CreateApplicationBuilder();
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            // Orleans' own messages go to stderr: stdout carries only the command's output (`--json`).
            builder.Logging.ClearProviders().AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
            string? folder = result.GetValue(dataDir);
            builder.UseOrleans(silo =>
            {
                config.ConfigureSilo(silo, result.GetValue(siloPort), result.GetValue(gatewayPort));
                silo.Services.AddSingleton<IEpisodeSourceFactory>(new ClusterJob.Factory(folder));
                silo.AddMetaNlpWorker();
            });
            using var host = builder.Build();
            Console.Error.WriteLine($"worker: joining cluster '{config.ClusterId}' ({config.Clustering}); Ctrl-C stops it.");
            host.Run(); // until Ctrl-C or SIGTERM, which stop the silo gracefully
            return 0;
        }));
        return command;
    }
}
