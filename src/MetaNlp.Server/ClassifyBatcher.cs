using System.Threading.Channels;
using MetaNlp.Algorithms;
using static TorchSharp.torch;

namespace MetaNlp.Server;

/// <summary>
/// Gathers the classify work of concurrent requests on one base model and encodes it in one forward pass. A request
/// writes its texts (one bounded turn of them, see <see cref="ClassifierRuntime"/>) into a channel; one reader takes
/// the first waiting job, then gathers more for at most <see cref="BatchingOptions.Wait"/> or until
/// <see cref="BatchingOptions.Texts"/> texts (or <see cref="ClassifierRuntime.CharactersPerTurn"/> characters) are
/// gathered, and runs them as one turn under the model's <see cref="FairGate"/>: the distinct texts of every job whose
/// classifier embeds with the model's own encoder weights (metric learners) go through the encoder once, and each job
/// scores only its own rows; a classifier with adapted encoder weights (gradient learners) embeds its own texts in
/// the same turn. Each request gets only its own predictions.
/// </summary>
/// <remarks>
/// No request waits unbounded: the gathering ends <see cref="BatchingOptions.Wait"/> after the batch's first job
/// arrived, whatever the batch holds; requests that arrive while a batch runs form the next one without waiting.
/// A request cancelled before its batch runs is left out; one cancelled while it runs only loses its answer.
/// </remarks>
public sealed class ClassifyBatcher : IDisposable
{
    private readonly BaseModel _model;
    private readonly BatchingOptions _options;
    private readonly Channel<Job> _jobs = Channel.CreateUnbounded<Job>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _reader;
    private Job? _carried;   // read while gathering but over the batch's bounds: first of the next batch
    private long _batches;
    private long _jobsRun;
    private int _largestBatch;

    /// <summary>Starts the reader of <paramref name="model"/>'s batches.</summary>
    public ClassifyBatcher(BaseModel model, BatchingOptions options)
    {
        _model = model ?? throw new ArgumentNullException(nameof(model));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        options.Validate();
        _reader = Task.Run(ReadAsync);
    }

    /// <summary>Batches run so far (each one encoder pass for its shared-encoder jobs).</summary>
    public long Batches => Interlocked.Read(ref _batches);

    /// <summary>Jobs (turns of requests) run so far; <see cref="Jobs"/> over <see cref="Batches"/> is the mean batch.</summary>
    public long Jobs => Interlocked.Read(ref _jobsRun);

    /// <summary>Most texts one batch has held so far (over <see cref="BatchingOptions.Texts"/> only for a single larger turn).</summary>
    public int LargestBatch => Volatile.Read(ref _largestBatch);

    /// <summary>
    /// The predictions of <paramref name="classifier"/> for <paramref name="texts"/>, computed in a batch with the
    /// texts of other requests. The caller keeps <paramref name="classifier"/> alive until the task ends.
    /// </summary>
    public async Task<IReadOnlyList<Prediction>> PredictAsync(IFewShotClassifier classifier, IReadOnlyList<string> texts, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        ArgumentNullException.ThrowIfNull(texts);
        cancellation.ThrowIfCancellationRequested();
        if (texts.Count == 0) return [];
        var job = new Job(classifier, texts, cancellation);
        if (!_jobs.Writer.TryWrite(job)) throw new ObjectDisposedException(nameof(ClassifyBatcher));
        // The batch goes on without this request if it gives up; the reader sees the token and leaves it out.
        return await job.Result.Task.WaitAsync(cancellation).ConfigureAwait(false);
    }

    /// <summary>Stops the reader; jobs not yet run are cancelled.</summary>
    public void Dispose()
    {
        _jobs.Writer.TryComplete();
        try
        {
            _reader.Wait(TimeSpan.FromSeconds(30));
        }
        catch (AggregateException)
        {
            // The reader's faults were handed to its jobs already.
        }
        while (_jobs.Reader.TryRead(out var job)) job.Result.TrySetCanceled();
        _carried?.Result.TrySetCanceled();
    }

    private async Task ReadAsync()
    {
        while (true)
        {
            var first = _carried;
            _carried = null;
            if (first is null)
            {
                if (!await _jobs.Reader.WaitToReadAsync().ConfigureAwait(false)) return;
                if (!_jobs.Reader.TryRead(out first)) continue;
            }
            var batch = await GatherAsync(first).ConfigureAwait(false);
            await RunAsync(batch).ConfigureAwait(false);
        }
    }

    // The first job and what arrives within the wait, up to the batch's bounds on texts and characters.
    private async Task<List<Job>> GatherAsync(Job first)
    {
        var batch = new List<Job> { first };
        int texts = first.Texts.Count;
        long characters = first.Characters;
        long deadline = Environment.TickCount64 + (long)_options.Wait.TotalMilliseconds;
        while (texts < _options.Texts)
        {
            if (!_jobs.Reader.TryRead(out var next))
            {
                long left = deadline - Environment.TickCount64;
                if (left <= 0) break;
                using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(left));
                try
                {
                    if (!await _jobs.Reader.WaitToReadAsync(timeout.Token).ConfigureAwait(false)) break;
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                continue;
            }
            if (texts + next.Texts.Count > _options.Texts || characters + next.Characters > ClassifierRuntime.CharactersPerTurn)
            {
                _carried = next;
                break;
            }
            batch.Add(next);
            texts += next.Texts.Count;
            characters += next.Characters;
        }
        return batch;
    }

    private async Task RunAsync(List<Job> batch)
    {
        var live = new List<Job>(batch.Count);
        foreach (var job in batch)
        {
            if (job.Cancellation.IsCancellationRequested) job.Result.TrySetCanceled(job.Cancellation);
            else live.Add(job);
        }
        if (live.Count == 0) return;
        Interlocked.Increment(ref _batches);
        Interlocked.Add(ref _jobsRun, live.Count);
        int texts = live.Sum(j => j.Texts.Count);
        if (texts > _largestBatch) Volatile.Write(ref _largestBatch, texts);   // one reader writes it
        try
        {
            using (await _model.Gate.EnterAsync().ConfigureAwait(false))
            {
                using var noGrad = no_grad();
                using var scope = NewDisposeScope();
                var embedder = _model.Model.Embedder;
                var shared = live.Where(j => j.Classifier is EmbeddingClassifier { EncoderWeights: null } e && ReferenceEquals(e.Embedder, embedder)).ToArray();
                if (shared.Length > 0) RunShared(shared, embedder);
                foreach (var job in live.Except(shared)) Run(job, () => job.Classifier.Predict(job.Texts));
            }
        }
        catch (Exception e)
        {
            foreach (var job in live) job.Result.TrySetException(e);
        }
    }

    // One encoder pass over the distinct texts of jobs whose classifiers embed with the model's own weights.
    private static void RunShared(Job[] jobs, TextEmbedder embedder)
    {
        var distinct = new List<string>();
        var rowOf = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var text in jobs.SelectMany(j => j.Texts))
        {
            if (rowOf.TryAdd(text, distinct.Count)) distinct.Add(text);
        }
        Tensor vectors;
        try
        {
            vectors = embedder.EmbedNoGrad(distinct, batchSize: Math.Max(distinct.Count, 1));
        }
        catch (Exception e)
        {
            foreach (var job in jobs) job.Result.TrySetException(e);
            return;
        }
        foreach (var job in jobs)
        {
            Run(job, () =>
            {
                using var rows = tensor(job.Texts.Select(t => rowOf[t]).ToArray());
                return ((EmbeddingClassifier)job.Classifier).PredictEmbedded(vectors.index_select(0, rows));
            });
        }
    }

    // One job's predictions; its failure is its own.
    private static void Run(Job job, Func<IReadOnlyList<Prediction>> predict)
    {
        try
        {
            job.Result.TrySetResult(predict());
        }
        catch (Exception e)
        {
            job.Result.TrySetException(e);
        }
    }

    private sealed class Job(IFewShotClassifier classifier, IReadOnlyList<string> texts, CancellationToken cancellation)
    {
        public IFewShotClassifier Classifier { get; } = classifier;
        public IReadOnlyList<string> Texts { get; } = texts;
        public long Characters { get; } = texts.Sum(t => (long)t.Length);
        public CancellationToken Cancellation { get; } = cancellation;
        public TaskCompletionSource<IReadOnlyList<Prediction>> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
