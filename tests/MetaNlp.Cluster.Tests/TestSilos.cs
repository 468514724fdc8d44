using System.Runtime.CompilerServices;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.TestingHost;

namespace MetaNlp.Cluster.Tests;

/// <summary>Silos of the test clusters: MetaNlp workers over the toy episodes.</summary>
internal sealed class WorkerSilo : ISiloConfigurator
{
    public void Configure(ISiloBuilder siloBuilder)
    {
        siloBuilder.Services.AddSingleton<IEpisodeSourceFactory, ToyEpisodes>();
        siloBuilder.AddMetaNlpWorker();
    }
}

/// <summary>The coordinator's client: a stopped silo's calls fail within seconds, not the default 30.</summary>
internal sealed class CoordinatorClient : IClientBuilderConfigurator
{
    public void Configure(IConfiguration configuration, IClientBuilder clientBuilder) =>
        clientBuilder.Configure<MessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(20));
}

internal static class TestSilos
{
    public static async Task<TestCluster> StartAsync(short silos)
    {
        var builder = new TestClusterBuilder(silos);
        builder.AddSiloBuilderConfigurator<WorkerSilo>();
        builder.AddClientBuilderConfigurator<CoordinatorClient>();
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    public static WorkerRuntime Worker(SiloHandle silo) => ((InProcessSiloHandle)silo).SiloHost.Services.GetRequiredService<WorkerRuntime>();
}

internal static class NativeSetup
{
    [ModuleInitializer]
    internal static void Initialize() => MetaNlp.Workarounds.NativeThreads.Configure();
}
