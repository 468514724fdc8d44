namespace MetaNlp.Cluster;

/// <summary>
/// The worker of one silo (its key is the silo's address, <see cref="SiloKeyPlacementAttribute"/>): holds one run's
/// model at one version of its weights and computes meta-gradients of tasks with it.
/// </summary>
public interface IMetaWorkerGrain : IGrainWithStringKey
{
    /// <summary>Builds the run's model and episodes (replacing any earlier run); the worker holds no version until its first order with weights.</summary>
    Task Join(RunDescription run);

    /// <summary>Computes the order's tasks, or refuses it (<see cref="WorkStatus"/>) rather than mixing versions.</summary>
    Task<WorkResult> Compute(WorkOrder order);
}
