using MetaNlp.Data;
using MetaNlp.Encoders;
using MetaNlp.Functional;
using MetaNlp.Text;
using static TorchSharp.torch;
using static MetaNlp.Workarounds.Scalars;

namespace MetaNlp.Algorithms;

/// <summary>
/// Base of the gradient-based learners (learn2learn's MAML pattern: a small functional core with thin classes on
/// top). A task's weights start from the meta-parameters (<see cref="GradientNetwork"/>), take inner-loop steps of a
/// <see cref="DifferentiableOptimizer"/> on the support loss, and the query loss of the adapted weights is the
/// episode loss, differentiable in the meta-parameters through every step (second order) or with the inner
/// gradients held constant (first order). Subclasses choose the update rule, the head's start and what adapts.
/// </summary>
public abstract class GradientLearner : IFewShotLearner
{
    /// <summary>Creates the learner.</summary>
    /// <param name="embedder">Tokenizer and encoder.</param>
    /// <param name="options">Inner-loop options.</param>
    /// <param name="withHead">Whether the network holds a meta-learned head (false when the head is built per task).</param>
    /// <param name="rule">A learned inner-loop rule module stored with the meta-parameters, or null.</param>
    protected GradientLearner(TextEmbedder embedder, GradientLearnerOptions? options, bool withHead = true, TorchSharp.torch.nn.Module? rule = null)
    {
        Embedder = embedder ?? throw new ArgumentNullException(nameof(embedder));
        Options = options ?? new GradientLearnerOptions();
        Options.Validate();
        Network = new GradientNetwork(embedder.Encoder, withHead, rule);
        AdaptedNames = [.. AdaptedEncoderNames(embedder.Encoder, Options), GradientNetwork.HeadWeightName, GradientNetwork.HeadBiasName];
    }

    /// <inheritdoc />
    public abstract string Algorithm { get; }

    /// <summary>Tokenizer and encoder.</summary>
    public TextEmbedder Embedder { get; }

    /// <summary>The inner-loop options.</summary>
    public GradientLearnerOptions Options { get; }

    /// <summary>Encoder, head and learned rule: every meta-parameter.</summary>
    public GradientNetwork Network { get; }

    /// <inheritdoc />
    public nn.Module Module => Network;

    /// <summary>Names of the weights the inner loop changes, in order: encoder weights (if adapted), then the head.</summary>
    public IReadOnlyList<string> AdaptedNames { get; }

    /// <summary>The encoder.</summary>
    protected TextEncoder Encoder => Embedder.Encoder;

    /// <summary>Encoder parameters the inner loop adapts under <paramref name="options"/>: every trainable one, or none.</summary>
    public static IReadOnlyList<string> AdaptedEncoderNames(TextEncoder encoder, GradientLearnerOptions options)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(options);
        return options.AdaptEncoder ? encoder.named_parameters().Where(p => p.parameter.requires_grad).Select(p => p.name).ToArray() : [];
    }

    /// <summary>Shapes of the meta-parameters behind <see cref="AdaptedNames"/> (the head as one shared row and bias).</summary>
    public static IReadOnlyList<long[]> AdaptedShapes(TextEncoder encoder, GradientLearnerOptions options)
    {
        var parameters = encoder.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape);
        return [.. AdaptedEncoderNames(encoder, options).Select(n => parameters[n]), [encoder.OutputDim], [1]];
    }

    /// <inheritdoc />
    public virtual Tensor EpisodeLoss(Episode episode)
    {
        ArgumentNullException.ThrowIfNull(episode);
        using var scope = NewDisposeScope();
        var task = Prepare(episode.Support.Select(e => e.Text).ToArray(), episode.SupportLabels, episode.Ways,
            episode.Query.Select(e => e.Text).ToArray(), episode.QueryLabels);
        var inner = InnerLoop(task, Options.InnerSteps, createGraph: !Options.FirstOrder);
        return nn.functional.cross_entropy(inner.Logits(inner.Adapted, task.Query!), task.QueryLabels!).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Query losses [episodes] of a meta-batch. With <see cref="GradientLearnerOptions.BatchTasks"/> the tasks adapt
    /// together, each with its own fast weights, in one task-batched inner loop (<see cref="BatchesTasks"/> says when
    /// that applies); otherwise <see cref="EpisodeLoss"/> runs for one episode after another. Both give the same
    /// losses and meta-gradients, first and second order.
    /// </summary>
    public Tensor EpisodeLosses(IReadOnlyList<Episode> episodes)
    {
        ArgumentNullException.ThrowIfNull(episodes);
        if (episodes.Count == 0) throw new ArgumentException("A meta-batch needs at least one episode.", nameof(episodes));
        using var scope = NewDisposeScope();
        var losses = ComputesTogether(episodes) ? BatchedEpisodeLosses(episodes) : stack(episodes.Select(EpisodeLoss).ToArray());
        return losses.MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public bool ComputesTogether(IReadOnlyList<Episode> episodes) => Options.BatchTasks && BatchesTasks(episodes);

    /// <summary>
    /// Whether <paramref name="episodes"/> can adapt as one batch: more than one, the same ways, support and query
    /// sizes for each, a learner whose episode loss is the inner loop's query loss (not Reptile), and, when the encoder
    /// adapts, an encoder that runs tasks as one batch (<see cref="TextEncoder.ForwardsTasks"/>).
    /// </summary>
    public bool BatchesTasks(IReadOnlyList<Episode> episodes)
    {
        ArgumentNullException.ThrowIfNull(episodes);
        if (episodes.Count < 2 || !HasTaskBatchedInnerLoop) return false;
        var first = episodes[0];
        if (episodes.Any(e => e.Ways != first.Ways || e.Support.Count != first.Support.Count || e.Query.Count != first.Query.Count)) return false;
        return AdaptedNames.Count == 2 || Encoder.ForwardsTasks;
    }

    /// <summary>
    /// Whether the learner's episode loss is the query loss of <see cref="InnerLoop"/>, so that a task-batched inner
    /// loop computes it: true unless a subclass overrides <see cref="EpisodeLoss"/> with a loss of its own.
    /// </summary>
    protected virtual bool HasTaskBatchedInnerLoop => true;

    /// <inheritdoc />
    public IFewShotClassifier Adapt(IReadOnlyList<TextExample> support)
    {
        var (set, weights) = AdaptWeights(support);
        var headWeight = weights[GradientNetwork.HeadWeightName];
        var headBias = weights[GradientNetwork.HeadBiasName];
        return new EmbeddingClassifier(set.Labels, Embedder, weights, q => nn.functional.linear(q, headWeight, headBias), [.. weights.Tensors]);
    }

    /// <summary>
    /// The weights adapted to <paramref name="support"/> (learn2learn's clone-and-adapt): every encoder weight by its
    /// name (the whole word table, with the task's adapted rows written back) and the head as
    /// <see cref="GradientNetwork.HeadWeightName"/> [ways, dim] and <see cref="GradientNetwork.HeadBiasName"/> [ways]. The
    /// tensors are detached and belong to the caller, who disposes them.
    /// </summary>
    /// <param name="support">Labelled examples of at least two classes.</param>
    /// <param name="steps">Inner steps; default <see cref="GradientLearnerOptions.TestInnerSteps"/>.</param>
    public (SupportSet Classes, ParameterSet Weights) AdaptWeights(IReadOnlyList<TextExample> support, int? steps = null)
    {
        var set = SupportSet.From(support);
        using var grad = enable_grad(); // evaluation may run under no_grad; the inner loop needs gradients
        using var scope = NewDisposeScope();
        var task = Prepare(set.Texts, set.LabelIndices.Select(i => (int)i).ToArray(), set.Labels.Count, null, null);
        var inner = InnerLoop(task, steps ?? Options.TestInnerSteps, createGraph: false);

        var weights = new List<KeyValuePair<string, Tensor>>();
        foreach (var (name, own) in Encoder.named_parameters())
        {
            Tensor weight = own;
            if (inner.Adapted.Contains(name))
            {
                var adapted = inner.Adapted[name];
                // Prediction reads any word, so adapted rows go back into a copy of the whole table.
                weight = name == Encoder.TokenTableName && task.RowIndex is not null ? own.detach().index_copy(0, task.RowIndex, adapted.detach()) : adapted;
            }
            weights.Add(new(name, weight.detach().DetachFromDisposeScope()));
        }
        foreach (var name in new[] { GradientNetwork.HeadWeightName, GradientNetwork.HeadBiasName })
            weights.Add(new(name, inner.Adapted[name].detach().DetachFromDisposeScope()));
        return (set, new ParameterSet(weights));
    }

    /// <summary>One task's token batches and labels, its ids in the task-local numbering when the table is adapted.</summary>
    protected sealed class TaskData
    {
        /// <summary>Support batch.</summary>
        public required TokenBatch Support { get; init; }

        /// <summary>Support labels (int64).</summary>
        public required Tensor SupportLabels { get; init; }

        /// <summary>Query batch, when the task has queries.</summary>
        public TokenBatch? Query { get; init; }

        /// <summary>Query labels, when the task has queries.</summary>
        public Tensor? QueryLabels { get; init; }

        /// <summary>Number of classes.</summary>
        public required int Ways { get; init; }

        /// <summary>Global ids of the table rows the task uses (int64), or null when the whole table is used.</summary>
        public Tensor? RowIndex { get; init; }

        /// <summary>The support texts' ids (task-local when <see cref="RowIndex"/> is set), as in <see cref="Support"/>.</summary>
        public required IReadOnlyList<int[]> SupportIds { get; init; }

        /// <summary>The query texts' ids, when the task has queries.</summary>
        public IReadOnlyList<int[]>? QueryIds { get; init; }

        /// <summary>The global ids of the rows the task uses, as <see cref="RowIndex"/> holds them.</summary>
        public IReadOnlyList<long>? Rows { get; init; }
    }

    /// <summary>
    /// Several tasks with the same ways, support and query sizes, laid out for one task-batched inner loop: their
    /// texts task after task in one support and one query batch, labels [tasks, texts], and each task's rows padded
    /// to the longest task's (with its first row, the padding token's, whose gradient is zero) as [tasks, rows].
    /// </summary>
    protected sealed class TaskBatch
    {
        /// <summary>The tasks, in order.</summary>
        public required IReadOnlyList<TaskData> Tasks { get; init; }

        /// <summary>Number of tasks.</summary>
        public int Count => Tasks.Count;

        /// <summary>Number of classes (the same in every task).</summary>
        public int Ways => Tasks[0].Ways;

        /// <summary>Every task's support texts, task after task.</summary>
        public required TokenBatch Support { get; init; }

        /// <summary>Support labels [tasks, texts].</summary>
        public required Tensor SupportLabels { get; init; }

        /// <summary>Every task's query texts, task after task.</summary>
        public required TokenBatch Query { get; init; }

        /// <summary>Query labels [tasks, texts].</summary>
        public required Tensor QueryLabels { get; init; }

        /// <summary>Global ids of each task's rows [tasks, rows], padded; null when the whole table is used.</summary>
        public Tensor? RowIndex { get; init; }
    }

    /// <summary>The result of an inner loop: where it started, where it ended, and how weights give logits.</summary>
    protected sealed record InnerResult(ParameterSet Start, ParameterSet Adapted, Func<ParameterSet, TokenBatch, Tensor> Logits);

    /// <summary>Tokenizes a task (inside the caller's dispose scope).</summary>
    protected TaskData Prepare(IReadOnlyList<string> supportTexts, IReadOnlyList<int> supportLabels, int ways, IReadOnlyList<string>? queryTexts, IReadOnlyList<int>? queryLabels)
    {
        var support = supportTexts.Select(Embedder.Tokenizer.Encode).ToArray();
        var query = queryTexts?.Select(Embedder.Tokenizer.Encode).ToArray();
        Tensor? rowIndex = null;
        long[]? rows = null;
        if (Options.TaskLocalEmbeddings && Encoder.TokenTableName is { } table && AdaptedNames.Contains(table))
        {
            var vocabulary = TaskVocabulary.From(query is null ? support : support.Concat(query));
            support = support.Select(vocabulary.Map).ToArray();
            query = query?.Select(vocabulary.Map).ToArray();
            rows = vocabulary.Rows.ToArray();
            rowIndex = tensor(rows);
        }
        return new TaskData
        {
            Support = TokenBatch.FromIds(support, Encoder.MinLength),
            SupportLabels = tensor(supportLabels.Select(i => (long)i).ToArray()),
            Query = query is null ? null : TokenBatch.FromIds(query, Encoder.MinLength),
            QueryLabels = queryLabels is null ? null : tensor(queryLabels.Select(i => (long)i).ToArray()),
            Ways = ways,
            RowIndex = rowIndex,
            SupportIds = support,
            QueryIds = query,
            Rows = rows,
        };
    }

    /// <summary>
    /// A meta-parameter as the task sees it: the table's task rows, or the shared head row and bias copied to
    /// <see cref="TaskData.Ways"/> classes. Also applied to per-weight rule tensors (Meta-SGD rates).
    /// </summary>
    protected Tensor Localize(string name, Tensor metaTensor, TaskData task)
    {
        ArgumentNullException.ThrowIfNull(task);
        if (name == Encoder.TokenTableName && task.RowIndex is not null)
        {
            // During a row-sparse training step the task rows are a leaf of their own, so the meta-gradient reaches
            // only them (SparseTableRows); otherwise a gather from the table, whose backward is a dense gradient.
            return Encoder.SparseTable is { } sparse && sparse.Reads(metaTensor) ? sparse.Gather(task.RowIndex) : metaTensor.index_select(0, task.RowIndex);
        }
        if (name == GradientNetwork.HeadWeightName) return metaTensor.unsqueeze(0).expand(task.Ways, metaTensor.shape[0]);
        if (name == GradientNetwork.HeadBiasName) return metaTensor.expand(task.Ways);
        return metaTensor;
    }

    /// <summary>The head a task starts from: by default the shared meta-learned row and bias, one copy per class.</summary>
    protected virtual (Tensor Weight, Tensor Bias) InitialHead(TaskData task, ParameterSet encoderWeights)
    {
        var weight = Network.HeadWeight ?? throw new InvalidOperationException($"{Algorithm} has no meta-learned head; override {nameof(InitialHead)}.");
        return (Localize(GradientNetwork.HeadWeightName, weight, task), Localize(GradientNetwork.HeadBiasName, Network.HeadBias!, task));
    }

    /// <summary>The inner update rule for one task (a new instance per task: it holds the task's optimizer state).</summary>
    protected virtual DifferentiableOptimizer CreateInnerOptimizer(TaskData task) => Options.InnerOptimizer switch
    {
        InnerOptimizer.Adam => new DifferentiableAdam(Options.InnerLearningRate),
        _ => new DifferentiableSgd(Options.InnerLearningRate),
    };

    /// <summary>Runs the inner loop on the task's support set.</summary>
    protected InnerResult InnerLoop(TaskData task, int steps, bool createGraph)
    {
        var (start, logits) = InnerStart(task);
        using var optimizer = CreateInnerOptimizer(task);
        var adapted = GradientUpdate.Descend(start, w => nn.functional.cross_entropy(logits(w, task.Support), task.SupportLabels), optimizer, steps, createGraph);
        return new InnerResult(start, adapted, logits);
    }

    /// <summary>
    /// The inner loop on <paramref name="support"/> step by step, as <see cref="Adapt"/> runs it (first order, the same
    /// update rule and steps): the support loss and accuracy, and those of <paramref name="queries"/> when given,
    /// before the first step and after each one, then the weights that moved most. Costs one extra forward pass of
    /// the support (and queries) per step.
    /// </summary>
    /// <param name="support">Labelled examples of at least two classes.</param>
    /// <param name="queries">Labelled examples of the support's classes to follow as well, or null.</param>
    /// <param name="steps">Inner steps; default <see cref="GradientLearnerOptions.TestInnerSteps"/>.</param>
    /// <exception cref="ArgumentException">A query's label is not one of the support's classes.</exception>
    public AdaptationTrace TraceAdaptation(IReadOnlyList<TextExample> support, IReadOnlyList<TextExample>? queries = null, int? steps = null)
    {
        var set = SupportSet.From(support);
        var classOf = set.Labels.Select((label, i) => (label, i)).ToDictionary(p => p.label, p => p.i, StringComparer.Ordinal);
        int[]? queryLabels = queries?.Select((q, i) => classOf.TryGetValue(q.Label, out int c) ? c
            : throw new ArgumentException($"Query {i + 1} is labelled '{q.Label}', which is not a class of the support set ({string.Join(", ", set.Labels)}).", nameof(queries))).ToArray();
        if (queries is { Count: 0 }) queryLabels = null;
        int total = steps ?? Options.TestInnerSteps;
        ArgumentOutOfRangeException.ThrowIfNegative(total, nameof(steps));
        using var grad = enable_grad(); // the inner loop needs gradients even under a caller's no_grad
        using var scope = NewDisposeScope();
        var task = Prepare(set.Texts, set.LabelIndices.Select(i => (int)i).ToArray(), set.Labels.Count,
            queryLabels is null ? null : queries!.Select(q => q.Text).ToArray(), queryLabels);
        var (start, logits) = InnerStart(task);
        using var optimizer = CreateInnerOptimizer(task);
        var points = new List<AdaptationStep>(total + 1);
        var current = start;
        for (int step = 0; ; step++)
        {
            points.Add(Measure(step, current, logits, task));
            if (step == total) break;
            // One step at a time with the same optimizer (its state carries over), which is what Adapt's loop does.
            current = GradientUpdate.Descend(current, w => nn.functional.cross_entropy(logits(w, task.Support), task.SupportLabels), optimizer, 1, createGraph: false);
        }
        var moved = new List<ParameterMove>();
        using (no_grad())
        {
            foreach (var (name, from) in start)
            {
                double change = current[name].sub(from).norm().item<float>();
                double size = from.norm().item<float>();
                moved.Add(new ParameterMove(name, change, size > 0 ? change / size : change));
            }
        }
        return new AdaptationTrace(points, [.. moved.OrderByDescending(m => m.RelativeChange).ThenBy(m => m.Name, StringComparer.Ordinal)]);
    }

    private static AdaptationStep Measure(int step, ParameterSet weights, Func<ParameterSet, TokenBatch, Tensor> logits, TaskData task)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var (supportLoss, supportAccuracy) = LossAndAccuracy(logits(weights, task.Support), task.SupportLabels);
        if (task.Query is null) return new AdaptationStep(step, supportLoss, supportAccuracy, null, null);
        var (queryLoss, queryAccuracy) = LossAndAccuracy(logits(weights, task.Query), task.QueryLabels!);
        return new AdaptationStep(step, supportLoss, supportAccuracy, queryLoss, queryAccuracy);
    }

    private static (double Loss, double Accuracy) LossAndAccuracy(Tensor logits, Tensor labels) =>
        (nn.functional.cross_entropy(logits, labels).item<float>(), logits.argmax(1).eq(labels).to(float64).mean().item<double>());

    /// <summary>The weights a task's inner loop starts from and how weights give logits.</summary>
    private (ParameterSet Start, Func<ParameterSet, TokenBatch, Tensor> Logits) InnerStart(TaskData task)
    {
        var encoderWeights = new ParameterSet(Encoder.named_parameters().Select(p => new KeyValuePair<string, Tensor>(p.name, Localize(p.name, p.parameter, task))));
        var (headWeight, headBias) = InitialHead(task, encoderWeights);
        var start = encoderWeights.Only(AdaptedNames.Take(AdaptedNames.Count - 2))
            .With(new ParameterSet([new(GradientNetwork.HeadWeightName, Differentiable(headWeight)), new(GradientNetwork.HeadBiasName, Differentiable(headBias))]));

        Func<ParameterSet, TokenBatch, Tensor> logits;
        bool encoderAdapts = AdaptedNames.Count > 2;
        if (encoderAdapts)
        {
            logits = (weights, batch) => nn.functional.linear(Encoder.Forward(batch, encoderWeights.With(weights)),
                weights[GradientNetwork.HeadWeightName], weights[GradientNetwork.HeadBiasName]);
        }
        else
        {
            // Only the head adapts (ANIL): each batch's features are computed once, before the loop, in the graph of
            // the meta-parameters.
            var features = new Dictionary<TokenBatch, Tensor>(ReferenceEqualityComparer.Instance) { [task.Support] = Encoder.Forward(task.Support, encoderWeights) };
            if (task.Query is not null) features[task.Query] = Encoder.Forward(task.Query, encoderWeights);
            logits = (weights, batch) => nn.functional.linear(features[batch], weights[GradientNetwork.HeadWeightName], weights[GradientNetwork.HeadBiasName]);
        }
        return (start, logits);
    }

    // A head computed from a frozen encoder's features (ProtoMAML's prototypes with nothing trained) carries no graph,
    // yet the inner loop still differentiates the support loss by it: it starts as a leaf of its own.
    private static Tensor Differentiable(Tensor head) => head.requires_grad ? head : head.detach().requires_grad_(true);

    /// <summary>Lays out tasks of equal ways, support and query sizes for one task-batched inner loop.</summary>
    protected TaskBatch PrepareBatch(IReadOnlyList<Episode> episodes)
    {
        ArgumentNullException.ThrowIfNull(episodes);
        var tasks = episodes.Select(e => Prepare(e.Support.Select(x => x.Text).ToArray(), e.SupportLabels, e.Ways,
            e.Query.Select(x => x.Text).ToArray(), e.QueryLabels)).ToArray();
        Tensor? rowIndex = null;
        if (tasks[0].Rows is not null)
        {
            int longest = tasks.Max(t => t.Rows!.Count);
            var rows = new long[tasks.Length * longest];
            for (int t = 0; t < tasks.Length; t++)
            {
                var own = tasks[t].Rows!;
                for (int r = 0; r < longest; r++) rows[t * longest + r] = r < own.Count ? own[r] : own[0];
            }
            rowIndex = tensor(rows, [tasks.Length, longest]);
        }
        return new TaskBatch
        {
            Tasks = tasks,
            Support = TokenBatch.FromIds(tasks.SelectMany(t => t.SupportIds).ToArray(), Encoder.MinLength),
            SupportLabels = stack(tasks.Select(t => t.SupportLabels).ToArray()),
            Query = TokenBatch.FromIds(tasks.SelectMany(t => t.QueryIds!).ToArray(), Encoder.MinLength),
            QueryLabels = stack(tasks.Select(t => t.QueryLabels!).ToArray()),
            RowIndex = rowIndex,
        };
    }

    /// <summary>
    /// A meta-parameter as every task of <paramref name="batch"/> sees it, with a leading task dimension: the table's
    /// rows of each task [tasks, rows, dim] (gathered through <see cref="TextEncoder.SparseTable"/> in a row-sparse
    /// training step), the head row and bias copied to [tasks, ways, dim] and [tasks, ways], anything else repeated
    /// per task (a view, no copy). Slice t equals <see cref="Localize"/> for task t, up to the padded rows.
    /// </summary>
    protected Tensor LocalizeTasks(string name, Tensor metaTensor, TaskBatch batch)
    {
        ArgumentNullException.ThrowIfNull(metaTensor);
        ArgumentNullException.ThrowIfNull(batch);
        if (name == Encoder.TokenTableName && batch.RowIndex is { } rowIndex)
        {
            var flat = rowIndex.flatten();
            var rows = Encoder.SparseTable is { } sparse && sparse.Reads(metaTensor) ? sparse.Gather(flat) : metaTensor.index_select(0, flat);
            return rows.view(batch.Count, rowIndex.shape[1], metaTensor.shape[1]);
        }
        if (name == GradientNetwork.HeadWeightName) return metaTensor.unsqueeze(0).unsqueeze(0).expand(batch.Count, batch.Ways, metaTensor.shape[0]);
        if (name == GradientNetwork.HeadBiasName) return metaTensor.unsqueeze(0).expand(batch.Count, batch.Ways);
        return metaTensor.unsqueeze(0).expand([batch.Count, .. metaTensor.shape]);
    }

    /// <summary>
    /// The heads the tasks of <paramref name="batch"/> start from, [tasks, ways, dim] and [tasks, ways]: by default
    /// the shared row and bias. A learner that overrides <see cref="InitialHead"/> overrides this too;
    /// <paramref name="supportFeatures"/> gives the start weights' support features [tasks, texts, dim].
    /// </summary>
    protected virtual (Tensor Weight, Tensor Bias) InitialHeads(TaskBatch batch, Func<Tensor> supportFeatures)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var weight = Network.HeadWeight ?? throw new InvalidOperationException($"{Algorithm} has no meta-learned head; override {nameof(InitialHeads)}.");
        return (LocalizeTasks(GradientNetwork.HeadWeightName, weight, batch), LocalizeTasks(GradientNetwork.HeadBiasName, Network.HeadBias!, batch));
    }

    /// <summary>
    /// The inner update rule for the stacked fast weights of <paramref name="batch"/>: by default the rule of the
    /// first task, right for any rule that works coordinate by coordinate with nothing task-specific (SGD, Adam, the
    /// learned momentum); a rule with per-coordinate tensors (Meta-SGD's rates) overrides this to stack them per task.
    /// </summary>
    protected virtual DifferentiableOptimizer CreateInnerOptimizer(TaskBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return CreateInnerOptimizer(batch.Tasks[0]);
    }

    // The query losses [tasks] of the tasks adapted together: the inner loss is the sum of the tasks' support losses,
    // whose gradient with respect to task t's fast weights is task t's own gradient (no other task reads them), so
    // each task takes exactly the steps it would take alone; create_graph and retain_graph as in InnerLoop.
    private Tensor BatchedEpisodeLosses(IReadOnlyList<Episode> episodes)
    {
        var batch = PrepareBatch(episodes);
        var encoderWeights = new ParameterSet(Encoder.named_parameters().Select(p =>
            new KeyValuePair<string, Tensor>(p.name, AdaptedNames.Contains(p.name) ? LocalizeTasks(p.name, p.parameter, batch) : p.parameter)));
        Func<ParameterSet, TokenBatch, Tensor> features;
        bool encoderAdapts = AdaptedNames.Count > 2;
        if (encoderAdapts)
        {
            features = (weights, texts) => Encoder.ForwardTasks(texts, batch.Count, encoderWeights.With(weights));
        }
        else
        {
            // Only the head adapts: each task's features once, before the loop, with the encoder as InnerLoop runs it.
            var fixedFeatures = new Dictionary<TokenBatch, Tensor>(ReferenceEqualityComparer.Instance)
            {
                [batch.Support] = stack(batch.Tasks.Select(t => Encoder.Forward(t.Support, encoderWeights)).ToArray()),
                [batch.Query] = stack(batch.Tasks.Select(t => Encoder.Forward(t.Query!, encoderWeights)).ToArray()),
            };
            features = (_, texts) => fixedFeatures[texts];
        }
        var (headWeight, headBias) = InitialHeads(batch, () => features(encoderWeights, batch.Support));
        var start = encoderWeights.Only(AdaptedNames.Take(AdaptedNames.Count - 2))
            .With(new ParameterSet([new(GradientNetwork.HeadWeightName, headWeight), new(GradientNetwork.HeadBiasName, headBias)]));
        Tensor Logits(ParameterSet weights, TokenBatch texts) =>
            features(weights, texts).bmm(weights[GradientNetwork.HeadWeightName].transpose(1, 2)).add(weights[GradientNetwork.HeadBiasName].unsqueeze(1), One);

        using var optimizer = CreateInnerOptimizer(batch);
        var adapted = GradientUpdate.Descend(start, w => TaskLosses(Logits(w, batch.Support), batch.SupportLabels).sum(), optimizer,
            Options.InnerSteps, createGraph: !Options.FirstOrder);
        return TaskLosses(Logits(adapted, batch.Query), batch.QueryLabels);
    }

    // Each task's mean cross-entropy [tasks] from logits [tasks, texts, ways] and labels [tasks, texts].
    private static Tensor TaskLosses(Tensor logits, Tensor labels) =>
        nn.functional.cross_entropy(logits.reshape(-1, logits.shape[2]), labels.reshape(-1), reduction: nn.Reduction.None)
            .view(labels.shape[0], labels.shape[1]).mean([1]);
}
