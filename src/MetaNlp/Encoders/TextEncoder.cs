using MetaNlp.Functional;
using MetaNlp.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace MetaNlp.Encoders;

/// <summary>
/// Base of every text encoder: token batch in, one vector per text out. <see cref="Forward"/> runs either with the
/// module's own parameters or with explicit weights (a <see cref="ParameterSet"/> with the same names), so
/// gradient-based learners can run adapted weights through the same code.
/// </summary>
public abstract class TextEncoder : nn.Module
{
    // Process-lifetime Scalars: implicit double-to-Scalar conversions in a training loop fragment the native heap (docs/TORCHSHARP.md).
    private static readonly Scalar UnknownIdScalar = ((long)Vocabulary.UnknownId).ToScalar();
    private static readonly Scalar HalfScalar = 0.5.ToScalar();
    private static readonly Scalar OneId = 1L.ToScalar(); // the alpha of an add on int64 ids
    private Dictionary<string, Tensor>? _own;
    private Scalar? _wordDropoutScalar;

    /// <summary>Creates the module.</summary>
    protected TextEncoder(string name) : base(name)
    {
    }

    /// <summary>Size of the sentence vector.</summary>
    public abstract int OutputDim { get; }

    /// <summary>Shortest padded length the encoder accepts (a CNN's widest filter).</summary>
    public virtual int MinLength => 1;

    /// <summary>
    /// Texts per pass when vectors are computed without gradients (<c>TextEmbedder.EmbedNoGrad</c>, which sorts the
    /// texts by length first): large enough that a few passes do the work, small enough to bound the pass's memory.
    /// </summary>
    public virtual int InferenceBatchSize => 64;

    /// <summary>
    /// Name of the word-embedding table among the parameters, if the encoder has one: gradient-based learners adapt
    /// only the rows a task uses (<see cref="TaskVocabulary"/>).
    /// </summary>
    public virtual string? TokenTableName => null;

    /// <summary>
    /// Parameters that construction restores exactly and training never changes (pretrained weights that are kept
    /// frozen): checkpoints leave them out, since rebuilding the encoder from its options brings them back. For the
    /// word-based encoders, a pretrained token table kept frozen (<see cref="PretrainedTokenTable.FrozenNames"/>).
    /// </summary>
    public virtual IReadOnlyList<string> PretrainedFrozenNames => PretrainedTokenTable.FrozenNames(this);

    /// <summary>
    /// Something the user should know that is not an error, such as a cache that reached its memory limit (the work goes
    /// on, slower). The CLI prints it on stderr; the library itself writes nothing.
    /// </summary>
    public event Action<string>? Warning;

    /// <summary>Raises <see cref="Warning"/>.</summary>
    protected void OnWarning(string message) => Warning?.Invoke(message);

    /// <summary>The options the encoder was built from.</summary>
    public abstract EncoderOptions Options { get; }

    /// <summary>Sentence vectors [batch, <see cref="OutputDim"/>] of a token batch.</summary>
    /// <param name="batch">Padded ids and mask.</param>
    /// <param name="weights">Weights to run with instead of the module's own, by parameter name; null runs the module's own.</param>
    public abstract Tensor Forward(TokenBatch batch, ParameterSet? weights = null);

    /// <summary>
    /// Whether <see cref="ForwardTasks"/> is built for this encoder as configured (the CNN without entity features and
    /// the bag of embeddings); a task-batched inner loop falls back to one task after another when it is not.
    /// </summary>
    public virtual bool ForwardsTasks => false;

    /// <summary>
    /// Sentence vectors [tasks, texts, <see cref="OutputDim"/>] of several tasks at once, each with its own weights:
    /// the rows of <paramref name="batch"/> are the texts of task 0, then of task 1, ..., the same number per task. A
    /// tensor of <paramref name="weights"/> with one dimension more than the parameter of its name holds one weight per
    /// task along its first dimension (task t uses slice t); one with the parameter's own rank is shared by every
    /// task. A per-task word table [tasks, rows, dim] is read with each task's ids in its own numbering (task-local
    /// rows). Equals <see cref="Forward"/> of each task's texts with its own weights, stacked, up to rounding, and
    /// is twice differentiable, so a second-order inner loop can run on it.
    /// </summary>
    /// <exception cref="NotSupportedException">The encoder does not batch tasks (<see cref="ForwardsTasks"/> is false).</exception>
    public virtual Tensor ForwardTasks(TokenBatch batch, int tasks, ParameterSet weights) =>
        throw new NotSupportedException($"{GetType().Name} with these options does not run tasks as one batch; check {nameof(ForwardsTasks)} first.");

    /// <summary>
    /// Word embeddings [texts, length, dim] for <see cref="ForwardTasks"/>: from the shared table of
    /// <paramref name="weights"/>, or, when the table is per task [tasks, rows, dim], each text from its own task's
    /// rows (one gather from the tables laid end to end, each task's ids offset by its first row).
    /// </summary>
    protected Tensor EmbedTaskWords(ParameterSet weights, TokenBatch batch, int tasks)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(batch);
        if (tasks < 1 || batch.Count % tasks != 0)
            throw new ArgumentException($"A batch of {batch.Count} texts cannot be split evenly into {tasks} tasks.", nameof(tasks));
        var table = Weight(weights, TokenTableName ?? throw new InvalidOperationException($"{GetType().Name} has no word table."));
        var ids = DroppedIds(batch);
        if (table.dim() == 2) return Lookup(table, ids);
        if (table.dim() != 3 || table.shape[0] != tasks)
            throw new ArgumentException($"A per-task word table is [tasks = {tasks}, rows, dim]; this one is [{string.Join(", ", table.shape)}].", nameof(weights));
        long rows = table.shape[1], perTask = batch.Count / tasks;
        var offsets = new long[batch.Count];
        for (int i = 0; i < offsets.Length; i++) offsets[i] = i / perTask * rows;
        using var offsetTensor = tensor(offsets, [batch.Count, 1], device: ids.device);
        return Lookup(table.reshape(tasks * rows, table.shape[2]), ids.add(offsetTensor, OneId));
    }

    /// <summary>The module's own parameters as a <see cref="ParameterSet"/>.</summary>
    public ParameterSet Parameters() => ParameterSet.From(this);

    /// <summary>The tensor named <paramref name="name"/>: from <paramref name="weights"/> if given, else the module's own.</summary>
    protected Tensor Weight(ParameterSet? weights, string name)
    {
        if (weights is not null) return weights[name];
        _own ??= named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter);
        return _own[name];
    }

    /// <summary>
    /// Row-sparse gradients for the word table during a training step (set by <c>Training.MetaTrainer</c>, null
    /// otherwise): while set, lookups into the encoder's own <see cref="TokenTableName"/> table (a
    /// <see cref="Forward"/> without explicit weights, or a gradient learner's task rows) gather the rows they read
    /// into leaves of <see cref="SparseTableRows"/>, and the table itself gets no dense gradient.
    /// </summary>
    public SparseTableRows? SparseTable { get; set; }

    /// <summary>
    /// <see cref="Embed(Tensor, TokenBatch)"/> of the <see cref="TokenTableName"/> table from <paramref name="weights"/>
    /// or the module's own; the own table goes through <see cref="SparseTable"/> when one is set. Explicit weights are
    /// never gathered: a gradient learner differentiates its inner loss with respect to the tensors it passes in.
    /// The batch's <see cref="TokenBatch.TokenEmbeddingEdit"/>, when set, replaces the rows looked up: this is the
    /// one place every encoder turns token ids into vectors, so attributions over token embeddings reach every encoder.
    /// </summary>
    protected Tensor EmbedWords(ParameterSet? weights, TokenBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var table = Weight(weights, TokenTableName ?? throw new InvalidOperationException($"{GetType().Name} has no word table."));
        var embedded = Embed(table, batch, weights is null ? SparseTable : null);
        return batch.TokenEmbeddingEdit is { } edit ? edit(embedded) : embedded;
    }

    /// <summary>
    /// Embedding lookup by gather (index_select), which, unlike embedding bags, is twice differentiable. In training
    /// mode, real tokens become the unknown token with probability <see cref="EncoderOptions.WordDropout"/>.
    /// </summary>
    protected Tensor Embed(Tensor table, TokenBatch batch) => Embed(table, batch, sparse: null);

    private Tensor Embed(Tensor table, TokenBatch batch, SparseTableRows? sparse)
    {
        var ids = DroppedIds(batch);
        if (sparse is not null && sparse.Reads(table))
            return sparse.Gather(ids.flatten()).view(ids.shape[0], ids.shape[1], table.shape[1]);
        return Lookup(table, ids);
    }

    // The batch's ids, where in training mode each real token becomes the unknown token with probability WordDropout.
    private Tensor DroppedIds(TokenBatch batch)
    {
        var ids = batch.Ids;
        if (!training || !(Options.WordDropout > 0)) return ids;
        _wordDropoutScalar ??= Options.WordDropout.ToScalar();
        var dropped = rand(ids.shape, device: ids.device).lt(_wordDropoutScalar).logical_and(batch.Mask.gt(HalfScalar));
        return ids.masked_fill(dropped, UnknownIdScalar);
    }

    /// <summary>Rows of <paramref name="table"/> for [batch, length] indices: [batch, length, table columns], by gather.</summary>
    protected static Tensor Lookup(Tensor table, Tensor indices) =>
        table.index_select(0, indices.flatten()).view(indices.shape[0], indices.shape[1], table.shape[1]);

    /// <summary>Uniform init in [-bound, bound], PyTorch's default for linear and conv layers (bound = 1/sqrt(fan_in)).</summary>
    protected static Tensor UniformInit(long[] shape, long fanIn)
    {
        using var bound = (1.0 / Math.Sqrt(fanIn)).ToScalar();
        using var width = (2.0 / Math.Sqrt(fanIn)).ToScalar();
        return rand(shape).mul_(width).sub_(bound);
    }
}
