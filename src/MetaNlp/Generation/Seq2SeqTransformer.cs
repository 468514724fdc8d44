using MetaNlp.Functional;
using MetaNlp.Workarounds;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace MetaNlp.Generation;

/// <summary>
/// A small encoder-decoder Transformer (Vaswani et al. 2017, pre-layer-norm, no dropout, sinusoidal positions, one
/// embedding table shared by source, target and output) with an explicit-weight forward: every call takes the weights
/// as a <see cref="ParameterSet"/>, so MAML, FOMAML and Reptile adapt it through <see cref="GradientUpdate"/> exactly
/// as they adapt the classifiers, and the meta-gradient flows through the decoder. Token ids follow
/// <see cref="BpeVocabulary"/> (0 padding, 2 begin, 3 end).
/// </summary>
public sealed class Seq2SeqTransformer
{
    // Field Scalars live as long as the class: LibTorch may read them after a temporary would be finalised.
    private static readonly Scalar Blocked = (-1e9).ToScalar();
    private static readonly Scalar Pad = ((long)BpeVocabulary.PadId).ToScalar();

    /// <summary>Creates the model's description; the weights are made by <see cref="InitialWeights"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of bounds.</exception>
    public Seq2SeqTransformer(Seq2SeqOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
    }

    /// <summary>The sizes.</summary>
    public Seq2SeqOptions Options { get; }

    /// <summary>
    /// Fresh weights (leaves that require gradients): linear weights normal with standard deviation 1/√fan-in,
    /// biases 0, layer norms 1 and 0, embeddings normal with standard deviation 1/√width.
    /// </summary>
    public ParameterSet InitialWeights(long seed, ScalarType dtype = ScalarType.Float32)
    {
        using var generator = new Generator((ulong)seed);
        var items = new List<KeyValuePair<string, Tensor>>();
        int d = Options.ModelDim, f = Options.FeedForwardDim;
        void Normal(string name, long[] shape, double std)
        {
            using var scale = std.ToScalar();
            using var raw = randn(shape, dtype, generator: generator);
            items.Add(new(name, raw.mul(scale).requires_grad_()));
        }
        void Linear(string name, int outDim, int inDim)
        {
            Normal(name + ".w", [outDim, inDim], 1.0 / Math.Sqrt(inDim));
            items.Add(new(name + ".b", zeros([outDim], dtype).requires_grad_()));
        }
        void Norm(string name)
        {
            items.Add(new(name + ".w", ones([d], dtype).requires_grad_()));
            items.Add(new(name + ".b", zeros([d], dtype).requires_grad_()));
        }
        void Attention(string name)
        {
            foreach (var part in new[] { "q", "k", "v", "o" }) Linear($"{name}.{part}", d, d);
        }
        Normal("embed", [Options.VocabularySize, d], 1.0 / Math.Sqrt(d));
        items.Add(new("out.b", zeros([Options.VocabularySize], dtype).requires_grad_()));
        for (var l = 0; l < Options.EncoderLayers; l++)
        {
            Norm($"enc.{l}.ln1");
            Attention($"enc.{l}.self");
            Norm($"enc.{l}.ln2");
            Linear($"enc.{l}.ff1", f, d);
            Linear($"enc.{l}.ff2", d, f);
        }
        Norm("enc.ln");
        for (var l = 0; l < Options.DecoderLayers; l++)
        {
            Norm($"dec.{l}.ln1");
            Attention($"dec.{l}.self");
            Norm($"dec.{l}.ln2");
            Attention($"dec.{l}.cross");
            Norm($"dec.{l}.ln3");
            Linear($"dec.{l}.ff1", f, d);
            Linear($"dec.{l}.ff2", d, f);
        }
        Norm("dec.ln");
        return new ParameterSet(items);
    }

    /// <summary>The encoder's states [batch, source length, width] of padded source ids [batch, source length].</summary>
    public Tensor Encode(ParameterSet w, Tensor source)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(source);
        var padMask = KeyPadding(source);
        var x = Embed(w, source);
        for (var l = 0; l < Options.EncoderLayers; l++)
        {
            var p = $"enc.{l}";
            var h = Norm(w, p + ".ln1", x);
            x = x.add(Attend(w, p + ".self", h, h, padMask), Scalars.One);
            x = x.add(FeedForward(w, p, Norm(w, p + ".ln2", x)), Scalars.One);
        }
        return Norm(w, "enc.ln", x);
    }

    /// <summary>
    /// Next-token logits [batch, target length, vocabulary] for decoder inputs [batch, target length] (begin id first),
    /// each position seeing only itself and earlier positions, and the encoder states of <paramref name="source"/>.
    /// </summary>
    public Tensor Decode(ParameterSet w, Tensor memory, Tensor source, Tensor targetInput) =>
        Project(w, DecoderStates(w, memory, source, targetInput));

    // The decoder's last states [batch, target length, width], before the output projection.
    private Tensor DecoderStates(ParameterSet w, Tensor memory, Tensor source, Tensor targetInput)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(memory);
        ArgumentNullException.ThrowIfNull(targetInput);
        var length = targetInput.shape[1];
        // Causal mask: position t may not attend to t' > t. Right padding needs no extra mask: a real position never
        // sees a later (padded) one, and padded positions are ignored by the loss.
        using var causal = ones([length, length], ScalarType.Bool, memory.device).triu(1).view(1, 1, length, length);
        var sourceMask = KeyPadding(source);
        var x = Embed(w, targetInput);
        for (var l = 0; l < Options.DecoderLayers; l++)
        {
            var p = $"dec.{l}";
            var h = Norm(w, p + ".ln1", x);
            x = x.add(Attend(w, p + ".self", h, h, causal), Scalars.One);
            x = x.add(Attend(w, p + ".cross", Norm(w, p + ".ln2", x), memory, sourceMask), Scalars.One);
            x = x.add(FeedForward(w, p, Norm(w, p + ".ln3", x)), Scalars.One);
        }
        return Norm(w, "dec.ln", x);
    }

    // Next-token logits of decoder states (the output projection is the embedding table, tied).
    private static Tensor Project(ParameterSet w, Tensor states) => F.linear(states, w["embed"], w["out.b"]);

    /// <summary>
    /// Teacher-forced loss: cross-entropy of predicting <paramref name="targetOutput"/> (the target then the end id)
    /// from <paramref name="targetInput"/> (the begin id then the target), padding ignored, with PyTorch's label
    /// smoothing (<paramref name="labelSmoothing"/> of the mass spread evenly over the vocabulary).
    /// </summary>
    public Tensor Loss(ParameterSet w, Tensor source, Tensor targetInput, Tensor targetOutput, double labelSmoothing)
    {
        ArgumentNullException.ThrowIfNull(targetOutput);
        if (labelSmoothing is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(labelSmoothing), labelSmoothing, "Label smoothing must be in [0, 1).");
        var logits = Decode(w, Encode(w, source), source, targetInput);
        return F.cross_entropy(logits.reshape(-1, Options.VocabularySize), targetOutput.reshape(-1),
            ignore_index: BpeVocabulary.PadId, label_smoothing: labelSmoothing);
    }

    /// <summary>
    /// The next-token step of <see cref="BeamSearch"/> for one source sentence [1, source length]: log-probabilities
    /// [prefixes, vocabulary] of the token after each prefix. The source is encoded once, here, and its states are
    /// shared by every call (they belong to the caller's dispose scope, so use the step inside it); each call projects
    /// only the prefixes' last positions onto the vocabulary.
    /// </summary>
    public Func<IReadOnlyList<int[]>, Tensor> Step(ParameterSet w, Tensor source)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(source);
        var memory = Encode(w, source);
        return prefixes =>
        {
            var batch = SequenceBatch.Pad(prefixes, source.device);
            var count = prefixes.Count;
            var expanded = source.expand(count, source.shape[1]);
            var states = DecoderStates(w, memory.expand(count, memory.shape[1], memory.shape[2]), expanded, batch);
            // Every prefix's last real position (prefixes may differ in length); only those are projected onto the
            // vocabulary, the largest product of a step.
            var last = tensor(prefixes.Select(p => (long)p.Length - 1).ToArray(), device: source.device);
            var index = tensor(Enumerable.Range(0, count).Select(i => (long)i).ToArray(), device: source.device);
            return F.log_softmax(Project(w, states[index, last]), 1);
        };
    }

    private Tensor Embed(ParameterSet w, Tensor ids)
    {
        var embed = w["embed"];
        long batch = ids.shape[0], length = ids.shape[1];
        var tokens = embed.index_select(0, ids.reshape(-1)).view(batch, length, Options.ModelDim);
        return tokens.add(Positions(length, embed.dtype, embed.device), Scalars.One);
    }

    // Sinusoidal positions: sin at even, cos at odd coordinates, wavelengths 2π·10000^(2i/d).
    private Tensor Positions(long length, ScalarType dtype, Device device)
    {
        var d = Options.ModelDim;
        var values = new double[length * d];
        for (var t = 0; t < length; t++)
            for (var i = 0; i < d; i++)
            {
                var angle = t / Math.Pow(10000, 2.0 * (i / 2) / d);
                values[t * d + i] = i % 2 == 0 ? Math.Sin(angle) : Math.Cos(angle);
            }
        return tensor(values, [length, d], dtype, device);
    }

    // True where a key is padding, shaped to broadcast over heads and queries.
    private static Tensor KeyPadding(Tensor ids) => ids.eq(Pad).view(ids.shape[0], 1, 1, ids.shape[1]);

    private Tensor Norm(ParameterSet w, string name, Tensor x) =>
        F.layer_norm(x, [Options.ModelDim], w[name + ".w"], w[name + ".b"], 1e-5);

    private Tensor FeedForward(ParameterSet w, string layer, Tensor x) =>
        F.linear(F.relu(F.linear(x, w[layer + ".ff1.w"], w[layer + ".ff1.b"])), w[layer + ".ff2.w"], w[layer + ".ff2.b"]);

    // Multi-head scaled dot-product attention written out (not LibTorch's fused kernel) so that second derivatives,
    // which MAML needs, exist in every precision.
    private Tensor Attend(ParameterSet w, string name, Tensor query, Tensor keyValue, Tensor blocked)
    {
        int heads = Options.Heads, headDim = Options.ModelDim / Options.Heads;
        long batch = query.shape[0], queries = query.shape[1], keys = keyValue.shape[1];
        Tensor Project(Tensor x, string part, long length) =>
            F.linear(x, w[$"{name}.{part}.w"], w[$"{name}.{part}.b"]).view(batch, length, heads, headDim).transpose(1, 2);
        var q = Project(query, "q", queries);
        var k = Project(keyValue, "k", keys);
        var v = Project(keyValue, "v", keys);
        using var scale = (1.0 / Math.Sqrt(headDim)).ToScalar();
        var scores = q.matmul(k.transpose(2, 3)).mul(scale).masked_fill(blocked, Blocked);
        var mixed = F.softmax(scores, 3).matmul(v).transpose(1, 2).reshape(batch, queries, Options.ModelDim);
        return F.linear(mixed, w[$"{name}.o.w"], w[$"{name}.o.b"]);
    }
}
