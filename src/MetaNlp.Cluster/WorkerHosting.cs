using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Hosting;

namespace MetaNlp.Cluster;

/// <summary>What a silo needs to be a MetaNlp worker.</summary>
public static class WorkerHosting
{
    /// <summary>
    /// Registers the worker (<see cref="WorkerRuntime"/>, one per silo) and the placement that puts each silo's
    /// worker grain on it. The silo's services must also hold an <see cref="IEpisodeSourceFactory"/>.
    /// </summary>
    public static ISiloBuilder AddMetaNlpWorker(this ISiloBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton<WorkerRuntime>();
        builder.Services.AddPlacementDirector<SiloKeyPlacement, SiloKeyPlacementDirector>();
        return builder;
    }
}
