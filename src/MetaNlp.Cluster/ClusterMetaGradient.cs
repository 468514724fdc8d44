using System.Collections.Concurrent;
using System.Diagnostics;
using MetaNlp.Functional;
using MetaNlp.Training;
using Orleans.Runtime;
using TorchSharp;
using MetaNlp.Models;
using static TorchSharp.torch;

namespace MetaNlp.Cluster;

/// <summary>
/// The coordinator's side of a distributed step (synchronous data parallel over the meta-batch): it splits the
/// step's tasks (episode indices) over the live workers, sends each worker the step's weights once (the version is
/// the step's first episode within this coordinator's run), gathers the workers' summed task gradients, and leaves
/// their sum in the trainer's weights; the trainer (<see cref="MetaTrainer"/> with this as its
/// <see cref="MetaTrainer.Gradients"/>) then steps the optimizer and checkpoints as in one process. A worker whose
/// call fails (its silo stopped, the connection lost, the call timed out) is dropped for the rest of the run and its
/// tasks are given to the others; each task's gradient is counted once, and a result for another version than the
/// step's is refused. The step fails when no worker is left.
/// </summary>
public sealed class ClusterMetaGradient : IMetaGradientSource
{
    private readonly IClusterClient _client;
    private readonly string _job;
    private readonly ConcurrentDictionary<string, long> _held = new();
    private readonly ConcurrentDictionary<string, bool> _joined = new();
    private readonly ConcurrentDictionary<string, bool> _lost = new();
    private readonly List<ClusterStepStats> _steps = [];
    private RunDescription? _run;
    private object? _runModel;

    /// <summary>A coordinator sending tasks through <paramref name="client"/>; workers build the episodes from <paramref name="job"/> (<see cref="IEpisodeSourceFactory"/>).</summary>
    public ClusterMetaGradient(IClusterClient client, string job)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(job);
        _client = client;
        _job = job;
    }

    /// <summary>This coordinator's run: new on each start, so a restarted coordinator's versions never meet an earlier one's.</summary>
    public string RunId { get; } = Guid.NewGuid().ToString("N");

    /// <summary>What each step cost, in order.</summary>
    public IReadOnlyList<ClusterStepStats> Steps => _steps;

    /// <summary>Workers dropped so far (silo addresses).</summary>
    public IReadOnlyCollection<string> LostWorkers => [.. _lost.Keys];

    /// <inheritdoc />
    public MetaStepGradient Compute(MetaStep step)
    {
        ArgumentNullException.ThrowIfNull(step);
        var clock = Stopwatch.StartNew();
        var module = step.Model.Learner.Module;
        var weights = WeightPacking.Trainable(module);
        if (_run is null || !ReferenceEquals(_runModel, module))
        {
            _run = Describe(step, weights);
            _runModel = module;
            _held.Clear();
            _joined.Clear();
        }
        byte[] packed = WeightPacking.Pack(weights.Select(w => (Tensor)w.Parameter));
        var stats = new StepCounters();
        // The network part runs off this thread: tensors (packing above, summing below) stay on the trainer's
        // thread, whose dispose scopes own them.
        var results = Task.Run(() => DispatchAsync(step, packed, stats)).GetAwaiter().GetResult();

        var shapes = weights.Select(w => w.Parameter.shape).ToArray();
        Tensor?[] sums = new Tensor?[weights.Length];
        var rowIndices = new List<Tensor>();
        var rowValues = new List<Tensor>();
        double lossSum = 0;
        foreach (var result in results.OrderBy(r => r.Episodes[0]))
        {
            lossSum += result.LossSum;
            var present = Enumerable.Range(0, weights.Length).Where(i => result.HasGradient[i]).ToArray();
            var parts = WeightPacking.Unpack(result.Gradients, [.. present.Select(i => shapes[i])]);
            for (int k = 0; k < present.Length; k++)
            {
                int i = present[k];
                sums[i] = sums[i] is null ? parts[k] : sums[i]!.add_(parts[k]);
            }
            if (result.RowIndices is { } ids && result.RowValues is { } values)
            {
                rowIndices.Add(torch.tensor(ids));
                rowValues.Add(WeightPacking.Unpack(values, [[ids.Length, step.SparseTable!.Table.shape[1]]])[0]);
            }
        }
        for (int i = 0; i < weights.Length; i++)
        {
            if (sums[i] is { } sum) weights[i].Parameter.grad = sum;
        }
        (Tensor, Tensor)? rows = rowIndices.Count > 0 ? SparseTableRows.SumRows(rowIndices, rowValues) : null;
        _steps.Add(new ClusterStepStats(step.FirstEpisode, step.Count, results.Count, stats.Reassigned, stats.BytesSent, stats.BytesReceived,
            results.Max(r => r.ComputeSeconds), clock.Elapsed.TotalSeconds));
        return new MetaStepGradient(lossSum / step.Count, rows);
    }

    private RunDescription Describe(MetaStep step, (string Name, TorchSharp.Modules.Parameter Parameter)[] weights) => new()
    {
        RunId = RunId,
        Model = ModelBytes.Of(step.Model),
        WeightNames = [.. weights.Select(w => w.Name)],
        Job = _job,
        RunSeed = step.RunSeed,
        SparseEmbeddings = step.SparseTable is not null,
        Fingerprint = EpisodeFingerprint.Of(step.Episodes, [0]),
    };

    private async Task<List<WorkResult>> DispatchAsync(MetaStep step, byte[] weights, StepCounters stats)
    {
        var workers = await ClusterMembership.LiveWorkersAsync(_client, [.. _lost.Keys]).ConfigureAwait(false);
        if (workers.Count == 0) throw new ClusterFailedException("No worker is live in the cluster: start workers (`metanlp worker --cluster CONFIG`) before training.");
        long[] episodes = [.. step.EpisodeIndices];
        // Contiguous chunks, one per worker (fewer when the meta-batch is smaller than the cluster).
        var pending = new Queue<long[]>(Split(episodes, workers.Count));
        var results = new List<WorkResult>();
        var covered = new HashSet<long>();
        while (pending.Count > 0)
        {
            if (workers.Count == 0)
                throw new ClusterFailedException($"Every worker was lost during the step at episode {step.FirstEpisode} ({string.Join(", ", _lost.Keys)}); nothing was applied: restart workers and resume.");
            var round = new List<(string Worker, long[] Chunk, Task<WorkResult> Call)>();
            int w = 0;
            while (pending.Count > 0)
            {
                var chunk = pending.Dequeue();
                string worker = workers[w++ % workers.Count];
                round.Add((worker, chunk, RunOrderAsync(worker, step, chunk, weights, stats)));
            }
            foreach (var (worker, chunk, call) in round)
            {
                try
                {
                    var result = await call.ConfigureAwait(false);
                    if (result.Version != step.FirstEpisode || !result.Episodes.SequenceEqual(chunk))
                        throw new ClusterFailedException($"Worker {worker} answered for version {result.Version} and episodes [{string.Join(", ", result.Episodes)}] where it was asked for version {step.FirstEpisode} and [{string.Join(", ", chunk)}]: refused.");
                    if (!chunk.All(covered.Add))
                        throw new ClusterFailedException($"Episodes [{string.Join(", ", chunk)}] of the step at {step.FirstEpisode} were computed twice: refused.");
                    results.Add(result);
                }
                catch (Exception e) when (IsLostWorker(e))
                {
                    _lost[worker] = true;
                    workers.Remove(worker);
                    stats.Reassigned += chunk.Length;
                    pending.Enqueue(chunk);
                }
            }
        }
        return results;
    }

    // A call that failed because of where it ran (silo gone, connection lost, timeout), not because of what it asked.
    private static bool IsLostWorker(Exception e) =>
        e is OrleansException or TimeoutException;

    private async Task<WorkResult> RunOrderAsync(string worker, MetaStep step, long[] chunk, byte[] weights, StepCounters stats)
    {
        var grain = _client.GetGrain<IMetaWorkerGrain>(worker);
        var run = _run!;
        for (int attempt = 0; ; attempt++)
        {
            if (!_joined.ContainsKey(worker))
            {
                await grain.Join(run).ConfigureAwait(false);
                _joined[worker] = true;
                stats.AddSent(run.Model.LongLength);
            }
            bool sendWeights = !_held.TryGetValue(worker, out long held) || held != step.FirstEpisode;
            var order = new WorkOrder { RunId = RunId, Version = step.FirstEpisode, Weights = sendWeights ? weights : null, Episodes = chunk, Divisor = step.Count };
            stats.AddSent((sendWeights ? weights.LongLength : 0) + chunk.Length * sizeof(long));
            var result = await grain.Compute(order).ConfigureAwait(false);
            if (result.Status == WorkStatus.Done)
            {
                _held[worker] = step.FirstEpisode;
                stats.AddReceived(result.Gradients.LongLength + (result.RowValues?.LongLength ?? 0) + (result.RowIndices?.LongLength ?? 0) * sizeof(long));
                return result;
            }
            // Refused (a worker restarted under the same address, or one that lost its version): tell it again, once.
            if (attempt > 0)
                throw new ClusterFailedException($"Worker {worker} refused the step at episode {step.FirstEpisode} twice ({result.Status}, it holds version {result.Version}).");
            if (result.Status == WorkStatus.UnknownRun) _joined.TryRemove(worker, out _);
            _held.TryRemove(worker, out _);
        }
    }

    private static IEnumerable<long[]> Split(long[] episodes, int parts)
    {
        int n = Math.Min(parts, episodes.Length);
        for (int p = 0; p < n; p++)
        {
            int from = episodes.Length * p / n, to = episodes.Length * (p + 1) / n;
            yield return episodes[from..to];
        }
    }

    private sealed class StepCounters
    {
        private long _sent;
        private long _received;
        public int Reassigned;
        public long BytesSent => Interlocked.Read(ref _sent);
        public long BytesReceived => Interlocked.Read(ref _received);
        public void AddSent(long bytes) => Interlocked.Add(ref _sent, bytes);
        public void AddReceived(long bytes) => Interlocked.Add(ref _received, bytes);
    }
}

/// <summary>What one distributed step cost.</summary>
/// <param name="FirstEpisode">The step's first episode (its version).</param>
/// <param name="Tasks">Its tasks.</param>
/// <param name="Orders">Orders that returned gradients (one per worker used, more when tasks were reassigned).</param>
/// <param name="Reassigned">Tasks given to another worker after theirs was lost.</param>
/// <param name="BytesSent">Payload bytes sent to workers (model on joining, weights, task indices).</param>
/// <param name="BytesReceived">Payload bytes of gradients received.</param>
/// <param name="MaxComputeSeconds">The slowest worker's computing time.</param>
/// <param name="Seconds">The whole step at the coordinator, packing and summing included.</param>
public sealed record ClusterStepStats(long FirstEpisode, int Tasks, int Orders, int Reassigned, long BytesSent, long BytesReceived, double MaxComputeSeconds, double Seconds);
