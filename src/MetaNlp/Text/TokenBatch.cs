using TorchSharp;
using static TorchSharp.torch;

namespace MetaNlp.Text;

/// <summary>
/// A padded batch of token ids with its mask: <see cref="Ids"/> is [batch, length] int64 with
/// <see cref="Vocabulary.PadId"/> in padded places, <see cref="Mask"/> is [batch, length] float32, 1 for real tokens.
/// Create it inside a dispose scope; the scope frees its tensors.
/// </summary>
public sealed class TokenBatch : IDisposable
{
    private TokenBatch(Tensor ids, Tensor mask, int[] lengths)
    {
        Ids = ids;
        Mask = mask;
        Lengths = lengths;
    }

    /// <summary>Token ids, [batch, length].</summary>
    public Tensor Ids { get; }

    /// <summary>1 for real tokens, 0 for padding, [batch, length].</summary>
    public Tensor Mask { get; }

    /// <summary>Number of real tokens of each row (at least 1: an empty text holds one padding token).</summary>
    public IReadOnlyList<int> Lengths { get; }

    /// <summary>Rows in the batch.</summary>
    public int Count => Lengths.Count;

    /// <summary>Padded length.</summary>
    public int Length => (int)Ids.shape[1];

    /// <summary>
    /// Replaces the word embeddings an encoder looks up for this batch ([batch, length, embedding size] in, the same
    /// shape out) before anything else reads them, or null (the default) to use them as looked up. Attribution
    /// methods set it (Captum's layer hook on the embedding layer): integrated gradients runs the encoder on points
    /// between a baseline and the real embeddings, and differentiates the class scores with respect to them. An
    /// encoder with caches of sentence vectors or hidden states skips them for such a batch, since they hold the
    /// unedited texts.
    /// </summary>
    public Func<Tensor, Tensor>? TokenEmbeddingEdit { get; set; }

    /// <summary>Tokenizes and pads texts; rows are at least <paramref name="minLength"/> long (a CNN's widest filter).</summary>
    public static TokenBatch From(ITokenizer tokenizer, IReadOnlyList<string> texts, int minLength = 1, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(texts);
        return FromIds(texts.Select(tokenizer.Encode).ToArray(), minLength, device);
    }

    /// <summary>Pads id sequences into a batch.</summary>
    public static TokenBatch FromIds(IReadOnlyList<int[]> sequences, int minLength = 1, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        if (sequences.Count == 0) throw new ArgumentException("A batch needs at least one text.", nameof(sequences));
        int length = Math.Max(Math.Max(1, minLength), sequences.Max(s => s.Length));
        var ids = new long[sequences.Count * length];
        var mask = new float[sequences.Count * length];
        var lengths = new int[sequences.Count];
        for (int row = 0; row < sequences.Count; row++)
        {
            var seq = sequences[row];
            for (int j = 0; j < seq.Length; j++)
            {
                ids[row * length + j] = seq[j];
                mask[row * length + j] = 1f;
            }
            lengths[row] = Math.Max(1, seq.Length);
            if (seq.Length == 0) mask[row * length] = 1f; // an empty text is one padding token, so pooling stays defined
        }
        var idTensor = torch.tensor(ids, [sequences.Count, length], device: device);
        var maskTensor = torch.tensor(mask, [sequences.Count, length], device: device);
        return new TokenBatch(idTensor, maskTensor, lengths);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Ids.Dispose();
        Mask.Dispose();
    }
}
