using MetaNlp.Functional;
using MetaNlp.Text;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static MetaNlp.Workarounds.Scalars;

namespace MetaNlp.Encoders;

/// <summary>
/// A small Transformer encoder: word embeddings plus learned positions, then post-norm layers of multi-head
/// self-attention and a ReLU feed-forward block (the layout of PyTorch's TransformerEncoderLayer), padded keys masked
/// out, and the mean of a text's own token states as its vector. Every weight is read by name, so gradient-based
/// learners can run adapted weights through it.
/// </summary>
public sealed class TransformerEncoder : TextEncoder
{
    /// <summary>The encoder kind (<see cref="EncoderOptions.Kind"/>).</summary>
    public const string KindName = "transformer";

    /// <summary>Kind, features and factory, for <see cref="EncoderFactory"/> (a getter: reading a static field would run this class's Scalar initialisers).</summary>
    public static EncoderDescriptor Descriptor =>
        new(KindName, typeof(TransformerEncoder), (options, vocabularySize, _, _) => new TransformerEncoder(vocabularySize, options));

#pragma warning disable IDE1006 // field names are the parameter names in checkpoints and ParameterSets
    private readonly Parameter embedding;
    private readonly Parameter position;
    private readonly ParameterList attention_in_weight;
    private readonly ParameterList attention_in_bias;
    private readonly ParameterList attention_out_weight;
    private readonly ParameterList attention_out_bias;
    private readonly ParameterList norm1_weight;
    private readonly ParameterList norm1_bias;
    private readonly ParameterList feedforward1_weight;
    private readonly ParameterList feedforward1_bias;
    private readonly ParameterList feedforward2_weight;
    private readonly ParameterList feedforward2_bias;
    private readonly ParameterList norm2_weight;
    private readonly ParameterList norm2_bias;
#pragma warning restore IDE1006
    private readonly EncoderOptions _options;
    private static readonly Scalar MaskedOut = (-1e9f).ToScalar();
    private static readonly Scalar Half = 0.5f.ToScalar();

    /// <summary>Creates the encoder with random weights (normal embeddings, small normal positions, PyTorch's linear init).</summary>
    public TransformerEncoder(int vocabularySize, EncoderOptions options) : base(nameof(TransformerEncoder))
    {
        ArgumentNullException.ThrowIfNull(options);
        if (vocabularySize < 2) throw new ArgumentOutOfRangeException(nameof(vocabularySize));
        if (options.Layers < 1 || options.Heads < 1 || options.FeedForwardSize < 1 || options.MaxPositions < 1) throw new ArgumentException("Transformer sizes must be positive.", nameof(options));
        if (options.EmbeddingDim % options.Heads != 0) throw new ArgumentException($"The embedding size {options.EmbeddingDim} is not a multiple of the {options.Heads} heads.", nameof(options));
        _options = options;
        int d = options.EmbeddingDim, f = options.FeedForwardSize;
        // Word vectors scaled to unit variance per model dimension would swamp the positions: both start small.
        using var wordScale = (1.0 / Math.Sqrt(d)).ToScalar();
        using var positionScale = 0.02.ToScalar();
        embedding = new Parameter(randn(vocabularySize, d).mul(wordScale), requires_grad: !options.FreezeEmbeddings);
        position = new Parameter(randn(options.MaxPositions, d).mul(positionScale));
        attention_in_weight = [];
        attention_in_bias = [];
        attention_out_weight = [];
        attention_out_bias = [];
        norm1_weight = [];
        norm1_bias = [];
        feedforward1_weight = [];
        feedforward1_bias = [];
        feedforward2_weight = [];
        feedforward2_bias = [];
        norm2_weight = [];
        norm2_bias = [];
        for (int l = 0; l < options.Layers; l++)
        {
            attention_in_weight.Add(new Parameter(UniformInit([3 * d, d], d)));
            attention_in_bias.Add(new Parameter(zeros(3 * d)));
            attention_out_weight.Add(new Parameter(UniformInit([d, d], d)));
            attention_out_bias.Add(new Parameter(zeros(d)));
            norm1_weight.Add(new Parameter(ones(d)));
            norm1_bias.Add(new Parameter(zeros(d)));
            feedforward1_weight.Add(new Parameter(UniformInit([f, d], d)));
            feedforward1_bias.Add(new Parameter(UniformInit([f], d)));
            feedforward2_weight.Add(new Parameter(UniformInit([d, f], f)));
            feedforward2_bias.Add(new Parameter(UniformInit([d], f)));
            norm2_weight.Add(new Parameter(ones(d)));
            norm2_bias.Add(new Parameter(zeros(d)));
        }
        RegisterComponents();
    }

    /// <inheritdoc />
    public override int OutputDim => _options.EmbeddingDim;

    /// <inheritdoc />
    public override EncoderOptions Options => _options;

    /// <inheritdoc />
    public override string? TokenTableName => nameof(embedding);

    /// <summary>Token states [batch, length, dim] after the last layer.</summary>
    public Tensor States(TokenBatch batch, ParameterSet? weights = null)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Length > _options.MaxPositions)
            throw new ArgumentException($"The Transformer has {_options.MaxPositions} learned positions; this batch is {batch.Length} tokens long (lower the tokenizer's MaxLength).", nameof(batch));
        using var scope = NewDisposeScope();
        long length = batch.Length;
        var x = EmbedWords(weights, batch).add(Weight(weights, nameof(position))[..(int)length].unsqueeze(0), One);
        var padded = batch.Mask.lt(Half).unsqueeze(1).unsqueeze(1);                                       // [B, 1, 1, T]
        for (int l = 0; l < _options.Layers; l++)
        {
            var attended = SelfAttention(x, padded, Weight(weights, $"attention_in_weight.{l}"), Weight(weights, $"attention_in_bias.{l}"),
                Weight(weights, $"attention_out_weight.{l}"), Weight(weights, $"attention_out_bias.{l}"));
            x = LayerNorm(x.add(attended, One), Weight(weights, $"norm1_weight.{l}"), Weight(weights, $"norm1_bias.{l}"));
            var hidden = nn.functional.relu(nn.functional.linear(x, Weight(weights, $"feedforward1_weight.{l}"), Weight(weights, $"feedforward1_bias.{l}")));
            var fed = nn.functional.linear(hidden, Weight(weights, $"feedforward2_weight.{l}"), Weight(weights, $"feedforward2_bias.{l}"));
            x = LayerNorm(x.add(fed, One), Weight(weights, $"norm2_weight.{l}"), Weight(weights, $"norm2_bias.{l}"));
        }
        return x.MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override Tensor Forward(TokenBatch batch, ParameterSet? weights = null)
    {
        ArgumentNullException.ThrowIfNull(batch);
        using var scope = NewDisposeScope();
        var mask = batch.Mask.unsqueeze(-1);
        var sentence = States(batch, weights).mul(mask).sum(1).div(mask.sum(1));
        if (_options.Dropout > 0) sentence = nn.functional.dropout(sentence, _options.Dropout, training);
        return sentence.MoveToOuterDisposeScope();
    }

    private Tensor SelfAttention(Tensor x, Tensor padded, Tensor inWeight, Tensor inBias, Tensor outWeight, Tensor outBias)
    {
        long b = x.shape[0], t = x.shape[1];
        int d = _options.EmbeddingDim, heads = _options.Heads, dh = d / heads;
        var qkv = nn.functional.linear(x, inWeight, inBias).view(b, t, 3, heads, dh).permute(2, 0, 3, 1, 4);   // [3, B, h, T, dh]
        using var scale = (1.0 / Math.Sqrt(dh)).ToScalar();
        var scores = qkv[0].matmul(qkv[1].transpose(-2, -1)).mul(scale).masked_fill(padded, MaskedOut);   // [B, h, T, T]
        var context = scores.softmax(-1).matmul(qkv[2]).transpose(1, 2).reshape(b, t, d);
        return nn.functional.linear(context, outWeight, outBias);
    }

    private Tensor LayerNorm(Tensor x, Tensor weight, Tensor bias) => nn.functional.layer_norm(x, [_options.EmbeddingDim], weight, bias, 1e-5);
}
