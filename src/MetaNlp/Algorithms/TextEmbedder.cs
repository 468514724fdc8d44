using MetaNlp.Encoders;
using MetaNlp.Functional;
using MetaNlp.Text;
using static TorchSharp.torch;

namespace MetaNlp.Algorithms;

/// <summary>Tokenizer plus encoder: texts in, sentence vectors out.</summary>
public sealed class TextEmbedder
{
    /// <summary>Pairs a tokenizer with the encoder that reads its ids.</summary>
    public TextEmbedder(ITokenizer tokenizer, TextEncoder encoder)
    {
        Tokenizer = tokenizer ?? throw new ArgumentNullException(nameof(tokenizer));
        Encoder = encoder ?? throw new ArgumentNullException(nameof(encoder));
    }

    /// <summary>The tokenizer.</summary>
    public ITokenizer Tokenizer { get; }

    /// <summary>The encoder.</summary>
    public TextEncoder Encoder { get; }

    /// <summary>Sentence vectors [texts, dim] in one batch, in the autograd graph.</summary>
    public Tensor Embed(IReadOnlyList<string> texts, ParameterSet? weights = null)
    {
        using var scope = NewDisposeScope();
        using var batch = TokenBatch.From(Tokenizer, texts, Encoder.MinLength);
        return Encoder.Forward(batch, weights).MoveToOuterDisposeScope();
    }

    /// <summary>Sentence vectors [texts, dim] without gradients, in batches of similar lengths (for inference).</summary>
    /// <param name="texts">Texts to embed.</param>
    /// <param name="batchSize">Texts per encoder pass; null: the encoder's <see cref="TextEncoder.InferenceBatchSize"/>.</param>
    /// <param name="weights">Encoder weights to run with (adapted ones); null runs the encoder's own.</param>
    public Tensor EmbedNoGrad(IReadOnlyList<string> texts, int? batchSize = null, ParameterSet? weights = null)
    {
        ArgumentNullException.ThrowIfNull(texts);
        int perPass = batchSize ?? Encoder.InferenceBatchSize;
        if (perPass < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "At least one text per pass.");
        if (texts.Count == 0) throw new ArgumentException("No texts to embed.", nameof(texts));
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        // Sorting by length keeps padding low; the result is put back in input order.
        var ids = texts.Select(Tokenizer.Encode).ToArray();
        var order = Enumerable.Range(0, ids.Length).OrderBy(i => ids[i].Length).ToArray();
        var parts = new List<Tensor>();
        for (int start = 0; start < order.Length; start += perPass)
        {
            var rows = order.Skip(start).Take(perPass).Select(i => ids[i]).ToArray();
            using var batch = TokenBatch.FromIds(rows, Encoder.MinLength);
            parts.Add(Encoder.Forward(batch, weights));
        }
        var sorted = cat(parts, 0);
        var inverse = new long[order.Length];
        for (int i = 0; i < order.Length; i++) inverse[order[i]] = i;
        return sorted.index_select(0, tensor(inverse)).MoveToOuterDisposeScope();
    }
}
