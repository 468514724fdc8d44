using System.Diagnostics;
using MetaNlp.Data;
using MetaNlp.Evaluation;
using MetaNlp.Functional;
using MetaNlp.Training;
using TorchSharp.Modules;
using MetaNlp.Models;
using static TorchSharp.torch;

namespace MetaNlp.Cluster;

/// <summary>
/// A silo's worker state, one per silo (a service, so it outlives the grain's activations): one run's model and
/// episodes. For a training run, the model at one version of its weights and the computation of orders with them
/// through <see cref="MetaGradient.Accumulate"/>, the trainer's own per-task computation; for an evaluation, the
/// scoring of test episodes through <see cref="EpisodeEvaluator.EpisodeAccuracy"/>, the evaluator's own. LibTorch work in one process is
/// serialised (its generator is process-wide, and one worker process is meant to use the machine's cores for one
/// task at a time), which also keeps several silos in one process (tests) correct.
/// </summary>
public sealed class WorkerRuntime : IDisposable
{
    private static readonly Lock LibTorch = new();
    private readonly IEpisodeSourceFactory _episodes;
    private WorkerRun? _run;

    /// <summary>A worker that builds episodes with <paramref name="episodes"/>.</summary>
    public WorkerRuntime(IEpisodeSourceFactory episodes)
    {
        ArgumentNullException.ThrowIfNull(episodes);
        _episodes = episodes;
    }

    /// <summary>Called before each order is computed (tests use it to stop a silo in the middle of an iteration).</summary>
    public Func<WorkOrder, Task>? BeforeCompute { get; set; }

    /// <summary>Called before each evaluation order is scored (tests use it to stop a silo in the middle of an evaluation).</summary>
    public Func<EvaluationOrder, Task>? BeforeEvaluate { get; set; }

    /// <summary>Orders computed (refusals not counted).</summary>
    public int OrdersComputed { get; private set; }

    /// <summary>Evaluation orders scored (refusals not counted).</summary>
    public int EvaluationOrdersScored { get; private set; }

    /// <summary>Builds the run's model from its checkpoint bytes and its episodes from its job, replacing any earlier run.</summary>
    /// <exception cref="InvalidDataException">The episodes built here are not the coordinator's (their fingerprints differ), or the model's trainable weights are not the ones the coordinator named.</exception>
    public void Join(RunDescription run)
    {
        ArgumentNullException.ThrowIfNull(run);
        lock (LibTorch)
        {
            if (_run?.RunId == run.RunId) return;
            // Checked before the run held is let go: a refused join leaves the worker as it was.
            var source = _episodes.Create(run.Job);
            RefuseOtherEpisodes($"Run {run.RunId}: the training episodes", EpisodeFingerprint.Of(source, [0]), run.Fingerprint);
            _run?.Dispose();
            _run = null;
            var model = ModelBytes.Read(run.Model);
            var weights = WeightPacking.Trainable(model.Learner.Module);
            if (!weights.Select(w => w.Name).SequenceEqual(run.WeightNames))
            {
                model.Learner.Module.Dispose();
                throw new InvalidDataException($"Run {run.RunId}: the model's trainable weights here ({string.Join(", ", weights.Select(w => w.Name))}) are not the coordinator's ({string.Join(", ", run.WeightNames)}).");
            }
            _run = new WorkerRun(run.RunId, run.RunSeed, model, [.. weights.Select(w => w.Parameter)], source, MetaGradient.SparseTableOf(model, run.SparseEmbeddings));
        }
    }

    /// <summary>Builds the evaluation's model from its checkpoint bytes and its test episodes from its job, replacing any earlier run.</summary>
    /// <exception cref="InvalidDataException">The episodes built here are not the coordinator's (their fingerprints differ): this worker reads other data.</exception>
    public void JoinEvaluation(EvaluationRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        lock (LibTorch)
        {
            if (_run?.RunId == run.RunId) return;
            var source = _episodes.CreateEvaluation(run.Job);
            RefuseOtherEpisodes($"Evaluation {run.RunId}: the test episodes", EpisodeFingerprint.OfEvaluation(source, run.Episodes), run.Fingerprint);
            _run?.Dispose();
            _run = null;
            var model = ModelBytes.Read(run.Model);
            model.Learner.Module.eval();
            _run = new WorkerRun(run.RunId, 0, model, [], source, null);
        }
    }

    /// <summary>Scores the order's episodes with the evaluation's model, or refuses an order of a run this worker does not hold.</summary>
    public async Task<EvaluationAnswer> EvaluateAsync(EvaluationOrder order)
    {
        ArgumentNullException.ThrowIfNull(order);
        if (BeforeEvaluate is { } hook) await hook(order).ConfigureAwait(false);
        return await Task.Run(() => Evaluate(order)).ConfigureAwait(false);
    }

    private EvaluationAnswer Evaluate(EvaluationOrder order)
    {
        lock (LibTorch)
        {
            var run = _run;
            if (run is null || run.RunId != order.RunId) return new EvaluationAnswer { Status = WorkStatus.UnknownRun };
            var clock = Stopwatch.StartNew();
            var accuracies = EpisodeEvaluator.EpisodeAccuracies(run.Model.Learner, run.Episodes, order.Episodes);
            EvaluationOrdersScored++;
            return new EvaluationAnswer { Status = WorkStatus.Done, Episodes = order.Episodes, Accuracies = accuracies, ComputeSeconds = clock.Elapsed.TotalSeconds };
        }
    }

    // Episodes built here from the coordinator's job that are not the coordinator's mean other data in this worker's folder.
    private static void RefuseOtherEpisodes(string what, string mine, string coordinators)
    {
        if (mine != coordinators)
            throw new InvalidDataException($"{what} built on this worker ({Environment.MachineName}) are not the coordinator's (fingerprint {mine[..12]} against {coordinators[..12]}): its data folder holds other data, or another version of it.");
    }

    /// <summary>
    /// Computes the order: loads its weights when it carries them (they become the version held), refuses it when
    /// it names another run or another version than the one held, else returns the sum of its tasks' gradients.
    /// </summary>
    public async Task<WorkResult> ComputeAsync(WorkOrder order)
    {
        ArgumentNullException.ThrowIfNull(order);
        if (BeforeCompute is { } hook) await hook(order).ConfigureAwait(false);
        return await Task.Run(() => Compute(order)).ConfigureAwait(false);
    }

    private WorkResult Compute(WorkOrder order)
    {
        lock (LibTorch)
        {
            var run = _run;
            if (run is null || run.RunId != order.RunId) return new WorkResult { Status = WorkStatus.UnknownRun, Version = -1 };
            if (order.Weights is not null)
            {
                WeightPacking.Load(run.Weights, order.Weights);
                run.Version = order.Version;
            }
            else if (run.Version != order.Version)
            {
                return new WorkResult { Status = WorkStatus.VersionMismatch, Version = run.Version };
            }
            var clock = Stopwatch.StartNew();
            using var scope = NewDisposeScope();
            var learner = run.Model.Learner;
            learner.Module.zero_grad(set_to_none: true);
            try
            {
                double loss = MetaGradient.Accumulate(run.Model, run.Episodes, order.Episodes, run.RunSeed, order.Divisor, run.Table);
                var rows = run.Table?.Gradient();
                var gradients = run.Weights.Select(w => w.grad).ToArray();
                var result = new WorkResult
                {
                    Status = WorkStatus.Done,
                    Version = run.Version,
                    Episodes = order.Episodes,
                    LossSum = loss,
                    HasGradient = [.. gradients.Select(g => g is not null)],
                    Gradients = WeightPacking.Pack(gradients.Where(g => g is not null).Select(g => g!)),
                    RowIndices = rows?.Indices.data<long>().ToArray(),
                    RowValues = rows is { } r ? WeightPacking.Pack([r.Values]) : null,
                    ComputeSeconds = clock.Elapsed.TotalSeconds,
                };
                OrdersComputed++;
                return result;
            }
            finally
            {
                run.Table?.Clear();
                learner.Module.zero_grad(set_to_none: true);
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        lock (LibTorch)
        {
            _run?.Dispose();
            _run = null;
        }
    }

    private sealed class WorkerRun(string runId, long runSeed, FewShotModel model, Parameter[] weights, IEpisodeSource episodes, SparseTableRows? table) : IDisposable
    {
        public string RunId { get; } = runId;
        public long RunSeed { get; } = runSeed;
        public FewShotModel Model { get; } = model;
        public Parameter[] Weights { get; } = weights;
        public IEpisodeSource Episodes { get; } = episodes;
        public SparseTableRows? Table { get; } = table;
        public long Version { get; set; } = -1;

        public void Dispose()
        {
            Table?.Dispose();
            Model.Learner.Module.Dispose();
        }
    }
}
