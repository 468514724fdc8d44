using MetaNlp.Text;
using static TorchSharp.torch;

namespace MetaNlp.Encoders;

/// <summary>
/// Where the head and the tail entity of relation-classification texts are: for each text, the tokens from an entity's
/// opening marker to its closing marker (<see cref="EntityMarkers"/>), both included. The CNN's entity pooling
/// (<see cref="EncoderOptions.EntityPooling"/>) takes its maxima over the windows that overlap these spans.
/// </summary>
public sealed class EntitySpans
{
    private readonly int _headStartId, _headEndId, _tailStartId, _tailEndId;

    /// <summary>Spans between the tokens with these ids (four distinct, non-negative ids).</summary>
    public EntitySpans(int headStartId, int headEndId, int tailStartId, int tailEndId)
    {
        int[] ids = [headStartId, headEndId, tailStartId, tailEndId];
        if (ids.Any(id => id < 0) || ids.Distinct().Count() != ids.Length)
            throw new ArgumentException($"Entity spans need four distinct token ids for the entity markers; got {string.Join(", ", ids)}.");
        (_headStartId, _headEndId, _tailStartId, _tailEndId) = (headStartId, headEndId, tailStartId, tailEndId);
    }

    /// <summary>
    /// Each text's head and tail span of token indices, [opening marker, closing marker + 1). A missing opening marker
    /// (cut off by the maximum length) starts the span at the first token, a missing closing marker ends it with the text.
    /// </summary>
    public (TokenSpan[] Head, TokenSpan[] Tail) Find(TokenBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        // Not disposed: cpu() returns the batch's own tensor when it is already on the CPU.
        var ids = batch.Ids.cpu().data<long>().ToArray();
        var head = new TokenSpan[batch.Count];
        var tail = new TokenSpan[batch.Count];
        for (int row = 0; row < batch.Count; row++)
        {
            var text = new ReadOnlySpan<long>(ids, row * batch.Length, batch.Lengths[row]);
            head[row] = SpanOf(text, _headStartId, _headEndId);
            tail[row] = SpanOf(text, _tailStartId, _tailEndId);
        }
        return (head, tail);
    }

    /// <summary>
    /// [spans, windows, 1]: true for a convolution window of <paramref name="width"/> tokens (window t reads tokens t
    /// to t + width - 1) that shares no token with the row's span, so a masked max keeps the windows on the entity.
    /// </summary>
    public static Tensor WindowsOutside(IReadOnlyList<TokenSpan> spans, int windows, int width, Device device)
    {
        ArgumentNullException.ThrowIfNull(spans);
        var outside = new bool[spans.Count * windows];
        for (int row = 0; row < spans.Count; row++)
        {
            for (int t = 0; t < windows; t++) outside[row * windows + t] = t >= spans[row].End || t + width <= spans[row].Start;
        }
        return tensor(outside, [spans.Count, windows, 1], device: device);
    }

    private static TokenSpan SpanOf(ReadOnlySpan<long> text, int startId, int endId)
    {
        int start = Math.Max(text.IndexOf(startId), 0);
        int end = text.IndexOf(endId);
        return new TokenSpan(start, end < 0 ? text.Length : Math.Max(end, start) + 1);
    }
}
