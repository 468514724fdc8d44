using System.Diagnostics;
using MetaNlp.Algorithms;
using MetaNlp.Data;
using MetaNlp.Evaluation;
using MetaNlp.Models;
using Orleans.Runtime;

namespace MetaNlp.Cluster;

/// <summary>
/// The coordinator's side of a distributed evaluation: it sends each live worker the model once, then hands out the
/// test episodes in small chunks, a new chunk to each worker as it answers (so a slower machine scores fewer), and
/// returns every episode's accuracy in index order, for <see cref="EpisodeEvaluator"/> to summarise as in one process.
/// A worker whose call fails (its silo stopped, the connection lost, the call timed out) is dropped and its chunk
/// given to the others; an episode scored twice or an answer for other episodes is refused; a worker whose episodes
/// differ from the coordinator's (<see cref="EpisodeFingerprint"/>: other data in its data folder) fails the
/// evaluation with an error. The evaluation fails when no worker is left.
/// </summary>
public sealed class ClusterEvaluation : IEpisodeAccuracySource
{
    private readonly IClusterClient _client;
    private readonly FewShotModel _model;
    private readonly string _job;
    private readonly int _episodesPerOrder;
    private readonly HashSet<string> _lost = [];

    /// <summary>A coordinator that evaluates <paramref name="model"/> on the workers of <paramref name="client"/>'s cluster.</summary>
    /// <param name="client">The cluster.</param>
    /// <param name="model">The model; <see cref="Compute"/> accepts only its learner.</param>
    /// <param name="job">How workers build the test episodes (<see cref="IEpisodeSourceFactory.CreateEvaluation"/>).</param>
    /// <param name="episodesPerOrder">Episodes per order; 0: about a quarter of an even share, at most 50, so faster workers take more and progress is seen.</param>
    public ClusterEvaluation(IClusterClient client, FewShotModel model, string job, int episodesPerOrder = 0)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(job);
        ArgumentOutOfRangeException.ThrowIfNegative(episodesPerOrder);
        _client = client;
        _model = model;
        _job = job;
        _episodesPerOrder = episodesPerOrder;
    }

    /// <summary>Workers dropped so far (silo addresses).</summary>
    public IReadOnlyCollection<string> LostWorkers => [.. _lost];

    /// <summary>What the last evaluation cost; null before the first.</summary>
    public ClusterEvaluationStats? Stats { get; private set; }

    /// <inheritdoc />
    /// <exception cref="ArgumentException"><paramref name="learner"/> is not this coordinator's model's.</exception>
    /// <exception cref="ClusterFailedException">No worker is live, every worker was lost, or a worker answered wrongly.</exception>
    public double[] Compute(IFewShotLearner learner, IEpisodeSource episodes, int count, Action<int>? onEpisodes)
    {
        ArgumentNullException.ThrowIfNull(learner);
        ArgumentNullException.ThrowIfNull(episodes);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        if (!ReferenceEquals(learner, _model.Learner))
            throw new ArgumentException("This cluster evaluation was made for another model's learner: the workers would score the wrong weights.", nameof(learner));
        var clock = Stopwatch.StartNew();
        var run = new EvaluationRun
        {
            RunId = Guid.NewGuid().ToString("N"),
            Model = ModelBytes.Of(_model),
            Job = _job,
            Episodes = count,
            Fingerprint = EpisodeFingerprint.OfEvaluation(episodes, count),
        };
        var idle = new Queue<string>(Task.Run(() => ClusterMembership.LiveWorkersAsync(_client, _lost)).GetAwaiter().GetResult());
        if (idle.Count == 0) throw new ClusterFailedException("No worker is live in the cluster: start workers (`metanlp worker --cluster CONFIG`) before evaluating.");
        int workers = idle.Count;
        int size = _episodesPerOrder > 0 ? _episodesPerOrder : Math.Clamp(count / (4 * workers), 1, 50);
        var pending = new Queue<long[]>(Enumerable.Range(0, (count + size - 1) / size)
            .Select(c => Enumerable.Range(c * size, Math.Min(size, count - c * size)).Select(i => (long)i).ToArray()));

        var accuracies = new double[count];
        var scored = new bool[count];
        int done = 0, orders = 0, reassigned = 0;
        long bytesSent = 0;
        var joined = new HashSet<string>();
        var running = new Dictionary<Task<EvaluationAnswer>, (string Worker, long[] Chunk)>();
        void Dispatch()
        {
            while (idle.Count > 0 && pending.Count > 0)
            {
                string worker = idle.Dequeue();
                var chunk = pending.Dequeue();
                bool join = joined.Add(worker);
                bytesSent += (join ? run.Model.LongLength : 0) + chunk.Length * sizeof(long);
                running.Add(Task.Run(() => OrderAsync(worker, run, chunk, join)), (worker, chunk));
            }
        }

        Dispatch();
        while (running.Count > 0)
        {
            var finished = Task.WhenAny(running.Keys).GetAwaiter().GetResult();
            var (worker, chunk) = running[finished];
            running.Remove(finished);
            EvaluationAnswer answer;
            try
            {
                answer = finished.GetAwaiter().GetResult();
            }
            catch (Exception e) when (e is OrleansException or TimeoutException)
            {
                _lost.Add(worker);
                reassigned += chunk.Length;
                pending.Enqueue(chunk);
                if (running.Count == 0 && idle.Count == 0)
                    throw new ClusterFailedException($"Every worker was lost during the evaluation ({string.Join(", ", _lost)}), {done} of {count} episodes scored: restart workers and evaluate again.", e);
                Dispatch();
                continue;
            }
            if (answer.Status != WorkStatus.Done || !answer.Episodes.SequenceEqual(chunk) || answer.Accuracies.Length != chunk.Length)
                throw new ClusterFailedException($"Worker {worker} answered {answer.Status} for episodes [{string.Join(", ", answer.Episodes)}] where it was asked for [{string.Join(", ", chunk)}]: refused.");
            for (int k = 0; k < chunk.Length; k++)
            {
                long i = chunk[k];
                if (scored[i]) throw new ClusterFailedException($"Episode {i} was scored twice: refused.");
                scored[i] = true;
                accuracies[i] = answer.Accuracies[k];
            }
            orders++;
            done += chunk.Length;
            onEpisodes?.Invoke(done);
            idle.Enqueue(worker);
            Dispatch();
        }
        Stats = new ClusterEvaluationStats(count, workers, orders, reassigned, bytesSent, (long)count * sizeof(double), clock.Elapsed.TotalSeconds);
        return accuracies;
    }

    private async Task<EvaluationAnswer> OrderAsync(string worker, EvaluationRun run, long[] chunk, bool join)
    {
        var grain = _client.GetGrain<IMetaWorkerGrain>(worker);
        if (join) await grain.JoinEvaluation(run).ConfigureAwait(false);
        var order = new EvaluationOrder { RunId = run.RunId, Episodes = chunk };
        var answer = await grain.Evaluate(order).ConfigureAwait(false);
        if (answer.Status != WorkStatus.UnknownRun) return answer;
        // A worker restarted under the same address, or taken by another coordinator's run since it joined: tell it again, once.
        await grain.JoinEvaluation(run).ConfigureAwait(false);
        return await grain.Evaluate(order).ConfigureAwait(false);
    }
}

/// <summary>What one distributed evaluation cost.</summary>
/// <param name="Episodes">Test episodes scored.</param>
/// <param name="Workers">Workers live at the start.</param>
/// <param name="Orders">Orders answered (chunks of episodes).</param>
/// <param name="Reassigned">Episodes given to another worker after theirs was lost.</param>
/// <param name="BytesSent">Payload bytes sent to workers (the model once per worker, episode indices).</param>
/// <param name="BytesReceived">Payload bytes of accuracies received.</param>
/// <param name="Seconds">The whole evaluation at the coordinator, the model's packing included.</param>
public sealed record ClusterEvaluationStats(int Episodes, int Workers, int Orders, int Reassigned, long BytesSent, long BytesReceived, double Seconds);
