using MetaNlp.Functional;
using MetaNlp.Text;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static MetaNlp.Workarounds.Scalars;

namespace MetaNlp.Encoders;

/// <summary>
/// Bidirectional LSTM with self-attention pooling (Lin et al. 2017), the encoder of Induction Networks (Geng et al.
/// 2019): word embeddings, a forward and a backward LSTM, and a = softmax(w . tanh(W h_t)) over a text's own tokens;
/// the sentence is sum_t a_t h_t. The LSTM runs step by step with explicit weights (PyTorch's gate order i, f, g, o),
/// so gradient-based learners can adapt it; padded steps leave the state unchanged, so a text's vector does not
/// depend on its batch's padding.
/// </summary>
public sealed class BiLstmEncoder : TextEncoder
{
    /// <summary>The encoder kind (<see cref="EncoderOptions.Kind"/>).</summary>
    public const string KindName = "bilstm";

    /// <summary>Kind, features and factory, for <see cref="EncoderFactory"/> (a getter: reading a static field would run this class's Scalar initialisers).</summary>
    public static EncoderDescriptor Descriptor =>
        new(KindName, typeof(BiLstmEncoder), (options, vocabularySize, _, _) => new BiLstmEncoder(vocabularySize, options));

#pragma warning disable IDE1006 // field names are the parameter names in checkpoints and ParameterSets
    private readonly Parameter embedding;
    private readonly Parameter forward_input_weight;
    private readonly Parameter forward_hidden_weight;
    private readonly Parameter forward_bias;
    private readonly Parameter backward_input_weight;
    private readonly Parameter backward_hidden_weight;
    private readonly Parameter backward_bias;
    private readonly Parameter attention_weight;
    private readonly Parameter attention_vector;
#pragma warning restore IDE1006
    private readonly EncoderOptions _options;
    private static readonly Scalar MaskedOut = (-1e9f).ToScalar();
    private static readonly Scalar Half = 0.5f.ToScalar();

    /// <summary>Creates the encoder with random weights (normal embeddings, PyTorch's LSTM init).</summary>
    public BiLstmEncoder(int vocabularySize, EncoderOptions options) : base(nameof(BiLstmEncoder))
    {
        ArgumentNullException.ThrowIfNull(options);
        if (vocabularySize < 2) throw new ArgumentOutOfRangeException(nameof(vocabularySize));
        if (options.HiddenSize < 1 || options.AttentionSize < 1) throw new ArgumentException("BiLSTM sizes must be positive.", nameof(options));
        _options = options;
        int e = options.EmbeddingDim, h = options.HiddenSize;
        embedding = new Parameter(randn(vocabularySize, e), requires_grad: !options.FreezeEmbeddings);
        forward_input_weight = new Parameter(UniformInit([4 * h, e], h));
        forward_hidden_weight = new Parameter(UniformInit([4 * h, h], h));
        forward_bias = new Parameter(UniformInit([4 * h], h));
        backward_input_weight = new Parameter(UniformInit([4 * h, e], h));
        backward_hidden_weight = new Parameter(UniformInit([4 * h, h], h));
        backward_bias = new Parameter(UniformInit([4 * h], h));
        attention_weight = new Parameter(UniformInit([options.AttentionSize, 2 * h], 2 * h));
        attention_vector = new Parameter(UniformInit([options.AttentionSize], options.AttentionSize));
        RegisterComponents();
    }

    /// <inheritdoc />
    public override int OutputDim => 2 * _options.HiddenSize;

    /// <inheritdoc />
    public override EncoderOptions Options => _options;

    /// <inheritdoc />
    public override string? TokenTableName => nameof(embedding);

    /// <summary>Hidden states [batch, length, 2 * hidden] (forward then backward; zero at padded steps).</summary>
    public Tensor States(TokenBatch batch, ParameterSet? weights = null)
    {
        ArgumentNullException.ThrowIfNull(batch);
        using var scope = NewDisposeScope();
        var x = EmbedWords(weights, batch);                                   // [B, T, E]
        var mask = batch.Mask.unsqueeze(-1);                                                         // [B, T, 1]
        var forward = Run(x, mask, Weight(weights, nameof(forward_input_weight)), Weight(weights, nameof(forward_hidden_weight)), Weight(weights, nameof(forward_bias)), reverse: false);
        var backward = Run(x, mask, Weight(weights, nameof(backward_input_weight)), Weight(weights, nameof(backward_hidden_weight)), Weight(weights, nameof(backward_bias)), reverse: true);
        return cat([forward, backward], 2).mul(mask).MoveToOuterDisposeScope();
    }

    /// <summary>Self-attention weights [batch, length] over each text's tokens (zero at padding).</summary>
    public Tensor Attention(Tensor states, TokenBatch batch, ParameterSet? weights = null)
    {
        ArgumentNullException.ThrowIfNull(states);
        ArgumentNullException.ThrowIfNull(batch);
        using var scope = NewDisposeScope();
        var scores = nn.functional.linear(states, Weight(weights, nameof(attention_weight))).tanh().matmul(Weight(weights, nameof(attention_vector)));   // [B, T]
        return scores.masked_fill(batch.Mask.lt(Half), MaskedOut).softmax(1).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override Tensor Forward(TokenBatch batch, ParameterSet? weights = null)
    {
        ArgumentNullException.ThrowIfNull(batch);
        using var scope = NewDisposeScope();
        var states = States(batch, weights);
        var sentence = Attention(states, batch, weights).unsqueeze(1).bmm(states).squeeze(1);      // [B, 2H]
        if (_options.Dropout > 0) sentence = nn.functional.dropout(sentence, _options.Dropout, training);
        return sentence.MoveToOuterDisposeScope();
    }

    // One direction over all steps: [B, T, H]. A padded step keeps the previous state, so the backward direction
    // starts at each text's own last token.
    private Tensor Run(Tensor x, Tensor mask, Tensor inputWeight, Tensor hiddenWeight, Tensor bias, bool reverse)
    {
        long batch = x.shape[0], length = x.shape[1];
        int hidden = _options.HiddenSize;
        var projected = nn.functional.linear(x, inputWeight, bias);                                 // [B, T, 4H], all steps at once
        var h = zeros(batch, hidden, dtype: x.dtype);
        var c = zeros(batch, hidden, dtype: x.dtype);
        var outputs = new Tensor[length];
        for (long step = 0; step < length; step++)
        {
            long t = reverse ? length - 1 - step : step;
            var gates = projected[.., (int)t].add(h.matmul(hiddenWeight.t()), One).chunk(4, 1);
            var cNew = gates[1].sigmoid().mul(c).add(gates[0].sigmoid().mul(gates[2].tanh()), One);
            var hNew = gates[3].sigmoid().mul(cNew.tanh());
            var m = mask[.., (int)t];                                                                  // [B, 1]
            var keep = m.neg().add(One, One);
            c = cNew.mul(m).add(c.mul(keep), One);
            h = hNew.mul(m).add(h.mul(keep), One);
            outputs[t] = h;
        }
        return stack(outputs, 1);
    }
}
