using Orleans.Placement;
using Orleans.Runtime;
using Orleans.Runtime.Placement;

namespace MetaNlp.Cluster;

/// <summary>
/// Places a grain on the silo its string key names (<see cref="SiloAddress.ToParsableString"/>), so a coordinator
/// addresses the worker of each silo; a key naming no live, compatible silo fails the call (the coordinator then
/// counts that worker as lost).
/// </summary>
[GenerateSerializer, Immutable, SuppressReferenceTracking]
public sealed class SiloKeyPlacement : PlacementStrategy
{
    /// <summary>The one instance.</summary>
    public static SiloKeyPlacement Instance { get; } = new();
}

/// <summary>Puts a grain class under <see cref="SiloKeyPlacement"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class SiloKeyPlacementAttribute : PlacementAttribute
{
    /// <summary>The attribute.</summary>
    public SiloKeyPlacementAttribute() : base(SiloKeyPlacement.Instance)
    {
    }
}

/// <summary>The director of <see cref="SiloKeyPlacement"/>.</summary>
public sealed class SiloKeyPlacementDirector : IPlacementDirector
{
    /// <inheritdoc />
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        string key = target.GrainIdentity.Key.ToString();
        var silo = SiloAddress.FromParsableString(key);
        if (!context.GetCompatibleSilos(target).Contains(silo))
            throw new SiloUnavailableException($"The silo {key} is not a live member of the cluster; its worker cannot start.");
        return Task.FromResult(silo);
    }
}
