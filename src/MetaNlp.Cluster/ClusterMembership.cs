using Orleans.Runtime;

namespace MetaNlp.Cluster;

/// <summary>The workers a coordinator can send work to: the cluster's active silos, as Orleans' membership lists them.</summary>
public static class ClusterMembership
{
    /// <summary>The addresses (<see cref="SiloAddress.ToParsableString"/>) of the active silos, in ordinal order, less <paramref name="lost"/>.</summary>
    /// <exception cref="ClusterFailedException">The membership could not be read (the silos or the membership store did not answer).</exception>
    public static async Task<List<string>> LiveWorkersAsync(IClusterClient client, IReadOnlyCollection<string> lost)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(lost);
        Dictionary<SiloAddress, SiloStatus> hosts;
        try
        {
            hosts = await client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Whatever failed on the way (a silo, the connection, the membership store's own error, which Orleans may
            // not even be able to send back), the coordinator cannot know its workers: a clear error, not a stack trace.
            throw new ClusterFailedException($"The cluster's membership could not be read ({e.GetType().Name}: {e.Message}): check that the workers run and that their membership store answers.", e);
        }
        return [.. hosts.Keys.Select(s => s.ToParsableString()).Where(k => !lost.Contains(k)).Order(StringComparer.Ordinal)];
    }
}
