using MetaNlp.Functional;
using MetaNlp.Text;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MetaNlp.Encoders;

/// <summary>
/// Kim (2014) CNN: word embeddings, one 1-d convolution per filter width, ReLU, max over time, concatenated.
/// Padded positions are zeroed before the convolutions, as an embedding with a padding index would.
/// </summary>
public sealed class CnnEncoder : TextEncoder
{
#pragma warning disable IDE1006 // field names are the parameter names in checkpoints and ParameterSets
    private readonly Parameter embedding;
    private readonly ParameterList conv_weight;
    private readonly ParameterList conv_bias;
#pragma warning restore IDE1006
    private readonly EncoderOptions _options;

    /// <summary>Creates the encoder with random weights (normal embeddings, PyTorch's default conv init).</summary>
    public CnnEncoder(int vocabularySize, EncoderOptions options) : base(nameof(CnnEncoder))
    {
        ArgumentNullException.ThrowIfNull(options);
        if (vocabularySize < 2) throw new ArgumentOutOfRangeException(nameof(vocabularySize));
        if (options.FilterWidths.Count == 0 || options.FilterWidths.Any(w => w < 1)) throw new ArgumentException("CNN filter widths must be positive.", nameof(options));
        _options = options;
        embedding = new Parameter(randn(vocabularySize, options.EmbeddingDim));
        conv_weight = new ParameterList();
        conv_bias = new ParameterList();
        foreach (int width in options.FilterWidths)
        {
            long fanIn = (long)options.EmbeddingDim * width;
            conv_weight.Add(new Parameter(UniformInit([options.Filters, options.EmbeddingDim, width], fanIn)));
            conv_bias.Add(new Parameter(UniformInit([options.Filters], fanIn)));
        }
        RegisterComponents();
    }

    /// <inheritdoc />
    public override int OutputDim => _options.Filters * _options.FilterWidths.Count;

    /// <inheritdoc />
    public override int MinLength => _options.FilterWidths.Max();

    /// <inheritdoc />
    public override EncoderOptions Options => _options;

    /// <inheritdoc />
    public override Tensor Forward(TokenBatch batch, ParameterSet? weights = null)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Length < MinLength) throw new ArgumentException($"The CNN needs batches padded to at least {MinLength} tokens.", nameof(batch));
        using var scope = NewDisposeScope();
        var x = Embed(Weight(weights, "embedding"), batch).mul(batch.Mask.unsqueeze(-1)).transpose(1, 2); // [B, D, T]
        var pooled = new Tensor[_options.FilterWidths.Count];
        for (int i = 0; i < pooled.Length; i++)
        {
            var conv = nn.functional.conv1d(x, Weight(weights, $"conv_weight.{i}"), Weight(weights, $"conv_bias.{i}"));
            pooled[i] = nn.functional.relu(conv).amax([-1]);
        }
        var sentence = cat(pooled, 1);
        if (_options.Dropout > 0) sentence = nn.functional.dropout(sentence, _options.Dropout, training);
        return sentence.MoveToOuterDisposeScope();
    }
}
