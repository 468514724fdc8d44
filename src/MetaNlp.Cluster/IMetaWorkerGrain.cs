namespace MetaNlp.Cluster;

/// <summary>
/// The worker of one silo (its key is the silo's address, <see cref="SiloKeyPlacementAttribute"/>): holds one run's
/// model, either a training run's at one version of its weights, whose tasks' meta-gradients it computes, or an
/// evaluation's, whose test episodes it scores.
/// </summary>
public interface IMetaWorkerGrain : IGrainWithStringKey
{
    /// <summary>Builds the run's model and episodes (replacing any earlier run); the worker holds no version until its first order with weights.</summary>
    Task Join(RunDescription run);

    /// <summary>Computes the order's tasks, or refuses it (<see cref="WorkStatus"/>) rather than mixing versions.</summary>
    Task<WorkResult> Compute(WorkOrder order);

    /// <summary>Builds the evaluation's model and test episodes (replacing any earlier run); refuses episodes whose fingerprint is not the coordinator's.</summary>
    Task JoinEvaluation(EvaluationRun run);

    /// <summary>Scores the order's test episodes, or refuses an order of another run (<see cref="WorkStatus.UnknownRun"/>).</summary>
    Task<EvaluationAnswer> Evaluate(EvaluationOrder order);
}
