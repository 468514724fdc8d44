using TorchSharp;
using TorchSharp.Modules;
using MetaNlp.Pretrained;
using static TorchSharp.torch;
using static MetaNlp.Workarounds.Scalars;

namespace MetaNlp.Encoders;

/// <summary>
/// One post-norm BERT encoder layer (Devlin et al. 2019): multi-head self-attention with padded keys masked out,
/// residual and layer norm, then a GELU feed-forward block, residual and layer norm. Holds the layer's weights in
/// PyTorch's [out, in] layout; <see cref="Forward"/> reads them through a lookup, so the same code runs with the
/// layer's own weights or with adapted ones.
/// </summary>
public sealed class BertLayer : nn.Module
{
    /// <summary>Names of the layer's weights, in registration order, with the Hugging Face BertLayer names they come from.</summary>
    public static IReadOnlyList<(string Name, string Pretrained)> WeightNames { get; } =
    [
        ("query_weight", "attention.self.query.weight"), ("query_bias", "attention.self.query.bias"),
        ("key_weight", "attention.self.key.weight"), ("key_bias", "attention.self.key.bias"),
        ("value_weight", "attention.self.value.weight"), ("value_bias", "attention.self.value.bias"),
        ("attention_output_weight", "attention.output.dense.weight"), ("attention_output_bias", "attention.output.dense.bias"),
        ("attention_norm_weight", "attention.output.LayerNorm.weight"), ("attention_norm_bias", "attention.output.LayerNorm.bias"),
        ("intermediate_weight", "intermediate.dense.weight"), ("intermediate_bias", "intermediate.dense.bias"),
        ("output_weight", "output.dense.weight"), ("output_bias", "output.dense.bias"),
        ("output_norm_weight", "output.LayerNorm.weight"), ("output_norm_bias", "output.LayerNorm.bias"),
    ];

    private readonly int _heads;
    private readonly double _epsilon;
    private readonly Scalar _scale; // made once: a Scalar per forward is a native object per call (docs/TORCHSHARP.md)

    /// <summary>Creates the layer from pretrained weights.</summary>
    /// <param name="weights">The pretrained model.</param>
    /// <param name="prefix">The layer's name prefix there ("encoder.layer.3.").</param>
    /// <param name="hidden">Hidden size.</param>
    /// <param name="intermediate">Feed-forward size.</param>
    /// <param name="heads">Attention heads (must divide <paramref name="hidden"/>).</param>
    /// <param name="epsilon">Layer-norm epsilon.</param>
    public BertLayer(OnnxWeights weights, string prefix, int hidden, int intermediate, int heads, double epsilon)
        : this((weights ?? throw new ArgumentNullException(nameof(weights))).Get, prefix, hidden, intermediate, heads, epsilon)
    {
    }

    /// <summary>Creates the layer from pretrained weights read by name (an ONNX model's, a safetensors file's).</summary>
    /// <param name="weights">The float32 values of a weight in row-major order by its name and expected shape; throws if it is missing or of another shape.</param>
    /// <param name="prefix">The layer's name prefix there ("encoder.layer.3.").</param>
    /// <param name="hidden">Hidden size.</param>
    /// <param name="intermediate">Feed-forward size.</param>
    /// <param name="heads">Attention heads (must divide <paramref name="hidden"/>).</param>
    /// <param name="epsilon">Layer-norm epsilon.</param>
    public BertLayer(Func<string, long[], float[]> weights, string prefix, int hidden, int intermediate, int heads, double epsilon) : base(nameof(BertLayer))
    {
        ArgumentNullException.ThrowIfNull(weights);
        if (heads < 1 || hidden % heads != 0) throw new ArgumentException($"{heads} heads do not divide the hidden size {hidden}.", nameof(heads));
        _heads = heads;
        _epsilon = epsilon;
        _scale = (1.0 / Math.Sqrt(hidden / heads)).ToScalar();
        foreach (var (name, pretrained) in WeightNames)
        {
            long[] shape = pretrained switch
            {
                "intermediate.dense.weight" => [intermediate, hidden],
                "intermediate.dense.bias" => [intermediate],
                "output.dense.weight" => [hidden, intermediate],
                _ when pretrained.EndsWith(".weight", StringComparison.Ordinal) && !pretrained.Contains("LayerNorm", StringComparison.Ordinal) => [hidden, hidden],
                _ => [hidden],
            };
            register_parameter(name, new Parameter(tensor(weights(prefix + pretrained, shape), shape)));
        }
    }

    /// <summary>The layer's output [batch, length, hidden].</summary>
    /// <param name="x">Input states [batch, length, hidden].</param>
    /// <param name="keyBias">Added to attention scores, [batch, 1, 1, length]: 0 for real keys, a large negative number for padding.</param>
    /// <param name="weight">The layer's weight of a name in <see cref="WeightNames"/>.</param>
    public Tensor Forward(Tensor x, Tensor keyBias, Func<string, Tensor> weight)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(weight);
        using var scope = NewDisposeScope();
        long b = x.shape[0], t = x.shape[1], d = x.shape[2], dh = d / _heads;
        Tensor Heads(string name) => nn.functional.linear(x, weight($"{name}_weight"), weight($"{name}_bias")).view(b, t, _heads, dh).transpose(1, 2);
        var query = Heads("query");
        var key = Heads("key");
        var value = Heads("value");
        var scores = query.matmul(key.transpose(-2, -1)).mul(_scale).add(keyBias, One);                     // [B, h, T, T]
        var context = scores.softmax(-1).matmul(value).transpose(1, 2).reshape(b, t, d);
        var attended = nn.functional.linear(context, weight("attention_output_weight"), weight("attention_output_bias"));
        x = nn.functional.layer_norm(attended.add(x, One), [d], weight("attention_norm_weight"), weight("attention_norm_bias"), _epsilon);
        var hidden = nn.functional.gelu(nn.functional.linear(x, weight("intermediate_weight"), weight("intermediate_bias")));
        var output = nn.functional.linear(hidden, weight("output_weight"), weight("output_bias"));
        return nn.functional.layer_norm(output.add(x, One), [d], weight("output_norm_weight"), weight("output_norm_bias"), _epsilon).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing) _scale.Dispose();
        base.Dispose(disposing);
    }
}
