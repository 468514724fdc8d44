using MetaNlp.Functional;
using MetaNlp.Text;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static MetaNlp.Workarounds.Scalars;

namespace MetaNlp.Encoders;

/// <summary>
/// Kim (2014) CNN: word embeddings, one 1-d convolution per filter width, ReLU, max over time, concatenated.
/// Padded positions are zeroed before the convolutions, as an embedding with a padding index would, and windows
/// that start past a text's last full window are left out of the max, so a text's vector does not depend on how
/// much padding its batch has. The convolutions run over the batch's texts laid end to end without their padding
/// (<see cref="PackedTexts"/>), so their cost follows the words, not the longest text. With <see cref="EncoderOptions.EntityPositionDim"/> each token's word embedding is
/// followed by two position embeddings, its distance to the head and to the tail entity (<see cref="EntityPositions"/>).
/// With <see cref="EncoderOptions.EntityPooling"/> each filter's maximum over all windows is followed by its maximum over
/// the windows on the head entity and over those on the tail entity (<see cref="EntitySpans"/>).
/// </summary>
public sealed class CnnEncoder : TextEncoder
{
    /// <summary>The encoder kind (<see cref="EncoderOptions.Kind"/>).</summary>
    public const string KindName = "cnn";

    /// <summary>Kind, features and factory, for <see cref="EncoderFactory"/> (a getter: reading a static field would run this class's Scalar initialisers).</summary>
    public static EncoderDescriptor Descriptor =>
        new(KindName, typeof(CnnEncoder), (options, vocabularySize, positions, spans) => new CnnEncoder(vocabularySize, options, positions, spans)) { EntityPositionEmbeddings = true, EntityPooling = true };

#pragma warning disable IDE1006 // field names are the parameter names in checkpoints and ParameterSets
    private readonly Parameter embedding;
    private readonly Parameter? head_position;
    private readonly Parameter? tail_position;
    private readonly ParameterList conv_weight;
    private readonly ParameterList conv_bias;
#pragma warning restore IDE1006
    private readonly EncoderOptions _options;
    private readonly EntityPositions? _entityPositions;
    private readonly EntitySpans? _entitySpans;

    // One Scalar for the life of the process: an implicit double-to-Scalar conversion per call would allocate native
    // objects that dispose scopes do not track (docs/TORCHSHARP.md).
    private static readonly Scalar MaskedOut = (-1e9f).ToScalar();

    /// <summary>Creates the encoder with random weights (normal embeddings, PyTorch's default conv init).</summary>
    /// <param name="vocabularySize">Rows of the word embedding table.</param>
    /// <param name="options">Sizes; <see cref="EncoderOptions.EntityPositionDim"/> above 0 needs <paramref name="entityPositions"/>.</param>
    /// <param name="entityPositions">Where the entity markers are, for position embeddings.</param>
    /// <param name="entitySpans">Where the entities are, for <see cref="EncoderOptions.EntityPooling"/>.</param>
    public CnnEncoder(int vocabularySize, EncoderOptions options, EntityPositions? entityPositions = null, EntitySpans? entitySpans = null) : base(nameof(CnnEncoder))
    {
        ArgumentNullException.ThrowIfNull(options);
        if (vocabularySize < 2) throw new ArgumentOutOfRangeException(nameof(vocabularySize));
        if (options.FilterWidths.Count == 0 || options.FilterWidths.Any(w => w < 1)) throw new ArgumentException("CNN filter widths must be positive.", nameof(options));
        if (options.EntityPositionDim < 0) throw new ArgumentException("The entity position embedding size cannot be negative.", nameof(options));
        if (options.EntityPositionDim > 0 && entityPositions is null)
            throw new ArgumentException("Entity position embeddings need the ids of the entity markers.", nameof(entityPositions));
        if (!EncoderOptions.Poolings.Contains(options.Pooling))
            throw new ArgumentException($"Unknown pooling '{options.Pooling}'; known: {string.Join(", ", EncoderOptions.Poolings)}.", nameof(options));
        if (options.Pooling == EncoderOptions.EntityPooling)
            _entitySpans = entitySpans ?? throw new ArgumentException("Entity pooling needs the ids of the entity markers.", nameof(entitySpans));
        _options = options;
        embedding = new Parameter(randn(vocabularySize, options.EmbeddingDim), requires_grad: !options.FreezeEmbeddings);
        if (options.EntityPositionDim > 0)
        {
            _entityPositions = entityPositions;
            head_position = new Parameter(randn(EntityPositions.TableSize, options.EntityPositionDim));
            tail_position = new Parameter(randn(EntityPositions.TableSize, options.EntityPositionDim));
        }
        conv_weight = new ParameterList();
        conv_bias = new ParameterList();
        int inputDim = options.EmbeddingDim + 2 * options.EntityPositionDim;
        foreach (int width in options.FilterWidths)
        {
            long fanIn = (long)inputDim * width;
            conv_weight.Add(new Parameter(UniformInit([options.Filters, inputDim, width], fanIn)));
            conv_bias.Add(new Parameter(UniformInit([options.Filters], fanIn)));
        }
        RegisterComponents();
    }

    /// <inheritdoc />
    public override int OutputDim => _options.Filters * _options.FilterWidths.Count * (_entitySpans is null ? 1 : 3);

    /// <inheritdoc />
    public override int MinLength => _options.FilterWidths.Max();

    /// <inheritdoc />
    public override EncoderOptions Options => _options;

    /// <inheritdoc />
    /// <remarks>
    /// Packed texts cost what their words cost, so a larger pass wastes nothing on padding: 256 texts (a 5-way 5-shot
    /// episode of 150 in one pass instead of three) evaluated HuffPost episodes faster than 64 (docs/BENCHMARKS.md).
    /// </remarks>
    public override int InferenceBatchSize => 256;

    /// <inheritdoc />
    public override string? TokenTableName => nameof(embedding);

    /// <inheritdoc />
    public override Tensor Forward(TokenBatch batch, ParameterSet? weights = null)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Length < MinLength) throw new ArgumentException($"The CNN needs batches padded to at least {MinLength} tokens.", nameof(batch));
        using var scope = NewDisposeScope();
        var embedded = EmbedWords(weights, batch);                                // [B, T, D]
        if (_entityPositions is not null)
        {
            var (head, tail) = _entityPositions.Indices(batch);
            embedded = cat([embedded, Lookup(Weight(weights, "head_position"), head), Lookup(Weight(weights, "tail_position"), tail)], 2);
        }
        embedded = embedded.mul(batch.Mask.unsqueeze(-1));
        var packed = new PackedTexts(batch.Lengths, batch.Length, MinLength, tasks: 1);
        var sequence = packed.Pack(embedded);                                     // [1, P, D]
        var spans = _entitySpans?.Find(batch);
        int widths = _options.FilterWidths.Count;
        var pooled = new Tensor[spans is null ? widths : 3 * widths];
        for (int i = 0; i < widths; i++)
        {
            int width = _options.FilterWidths[i];
            var conv = packed.Windows(Convolve(sequence, width, Weight(weights, $"conv_weight.{i}"), Weight(weights, $"conv_bias.{i}")), width, MaskedOut); // [B, T-w+1, F]
            pooled[i] = MaxOver(conv);
            if (spans is null) continue;
            int windows = (int)conv.shape[1];
            pooled[widths + i] = MaxOver(conv.masked_fill(EntitySpans.WindowsOutside(spans.Value.Head, windows, width, conv.device), MaskedOut));
            pooled[2 * widths + i] = MaxOver(conv.masked_fill(EntitySpans.WindowsOutside(spans.Value.Tail, windows, width, conv.device), MaskedOut));
        }
        var sentence = cat(pooled, 1);
        if (_options.Dropout > 0) sentence = nn.functional.dropout(sentence, _options.Dropout, training);
        return sentence.MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override bool ForwardsTasks => _entityPositions is null && _entitySpans is null;

    /// <inheritdoc />
    /// <remarks>
    /// Each width's convolution of every task is one batched product: the unfolded windows of a task's packed texts
    /// (<see cref="PackedTexts"/>) times that task's flattened filters, for all tasks in one <c>bmm</c>. Padding,
    /// the windows past a text's end and the max over time are as in <see cref="Forward"/>, so a text's vector does
    /// not depend on how long the other tasks' texts are.
    /// </remarks>
    public override Tensor ForwardTasks(TokenBatch batch, int tasks, ParameterSet weights)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(weights);
        if (!ForwardsTasks) throw new NotSupportedException("The CNN with entity positions or entity pooling does not run tasks as one batch.");
        if (batch.Length < MinLength) throw new ArgumentException($"The CNN needs batches padded to at least {MinLength} tokens.", nameof(batch));
        using var scope = NewDisposeScope();
        var embedded = EmbedTaskWords(weights, batch, tasks).mul(batch.Mask.unsqueeze(-1)); // [tasks * texts, T, D]
        var packed = new PackedTexts(batch.Lengths, batch.Length, MinLength, tasks);
        var sequences = packed.Pack(embedded);                                                // [tasks, P, D]
        int widths = _options.FilterWidths.Count;
        var pooled = new Tensor[widths];
        for (int i = 0; i < widths; i++)
        {
            int width = _options.FilterWidths[i];
            pooled[i] = MaxOver(packed.Windows(Convolve(sequences, width, weights[$"conv_weight.{i}"], weights[$"conv_bias.{i}"]), width, MaskedOut));
        }
        var sentence = cat(pooled, 1);
        if (_options.Dropout > 0) sentence = nn.functional.dropout(sentence, _options.Dropout, training);
        return sentence.view(tasks, batch.Count / tasks, OutputDim).MoveToOuterDisposeScope();
    }

    // ReLU of each filter's maximum over the windows (those past a text's end hold MaskedOut). max(dim) rather than
    // amax: its backward scatters through the arg-max indices instead of comparing every window.
    private static Tensor MaxOver(Tensor conv) => nn.functional.relu(conv.max(1).values);

    // The 1-d convolution of packed sequences [tasks, P, D] as one matrix product over their unfolded windows:
    // out[k, t, f] = bias[f] + sum over d, j of weight[f, d, j] * x[k, t + j, d]. A filter weight [tasks, F, D, w]
    // (bias [tasks, F]) is one per task, [F, D, w] (bias [F]) is shared. LibTorch's own conv1d is not used because its
    // oneDNN AVX-512 kernel (LibTorch 2.10, oneDNN 3.7.1) returned NaN for finite float32 inputs on an AMD EPYC machine
    // after a few training steps, where float64 and this product did not. The product is twice differentiable.
    private static Tensor Convolve(Tensor sequences, int width, Tensor weight, Tensor bias)
    {
        var windows = sequences.unfold(1, width, 1).flatten(2);                 // [tasks, P-w+1, D*w], index d*w + j
        var product = weight.dim() == 4
            ? windows.bmm(weight.flatten(2).transpose(1, 2))                        // weight [tasks, F, D, w] flattens in the same order
            : windows.matmul(weight.flatten(1).t());
        return product.add(bias.dim() == 2 ? bias.unsqueeze(1) : bias, One);  // [tasks, P-w+1, F]
    }
}
