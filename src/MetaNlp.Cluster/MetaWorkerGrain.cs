namespace MetaNlp.Cluster;

/// <summary>The worker grain of a silo: a thin shell over the silo's <see cref="WorkerRuntime"/>.</summary>
[SiloKeyPlacement]
public sealed class MetaWorkerGrain(WorkerRuntime runtime) : Grain, IMetaWorkerGrain
{
    /// <inheritdoc />
    public Task Join(RunDescription run) => Task.Run(() => runtime.Join(run));

    /// <inheritdoc />
    public Task<WorkResult> Compute(WorkOrder order) => runtime.ComputeAsync(order);

    /// <inheritdoc />
    public Task JoinEvaluation(EvaluationRun run) => Task.Run(() => runtime.JoinEvaluation(run));

    /// <inheritdoc />
    public Task<EvaluationAnswer> Evaluate(EvaluationOrder order) => runtime.EvaluateAsync(order);
}
