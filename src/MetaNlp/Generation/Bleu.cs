namespace MetaNlp.Generation;

/// <summary>
/// Corpus BLEU as sacreBLEU 2.x computes it by default: 13a tokenisation (<see cref="Tokenizer13a"/>), case kept,
/// n-grams 1 to 4 clipped by the highest count in any reference, the closest reference length per segment (the
/// shorter on a tie), exponential smoothing, and the geometric mean of the four precisions times the brevity penalty.
/// Several reference streams are allowed (stream j holds the j-th reference of every segment).
/// </summary>
public static class Bleu
{
    /// <summary>The n-gram orders (sacreBLEU's MAX_NGRAM_ORDER).</summary>
    public const int MaxOrder = 4;

    /// <summary>
    /// Corpus BLEU of <paramref name="hypotheses"/> against one or more reference streams, each as long as the
    /// hypotheses.
    /// </summary>
    /// <param name="hypotheses">One output per segment.</param>
    /// <param name="referenceStreams">Reference streams; stream j holds the j-th reference of every segment.</param>
    /// <param name="smoothing">Smoothing of orders without matches (sacreBLEU's default: exponential).</param>
    /// <param name="floor">The value of <see cref="BleuSmoothing.Floor"/> (sacreBLEU's default 0.1).</param>
    /// <param name="tokenize">Tokenise with 13a (the default); false splits on whitespace only ("none").</param>
    /// <param name="effectiveOrder">Average over the orders that have n-grams only (sacreBLEU's sentence-level option).</param>
    /// <exception cref="ArgumentException">No reference stream, or a stream of another length than the hypotheses.</exception>
    public static BleuScore Corpus(
        IReadOnlyList<string> hypotheses,
        IReadOnlyList<IReadOnlyList<string>> referenceStreams,
        BleuSmoothing smoothing = BleuSmoothing.Exponential,
        double floor = 0.1,
        bool tokenize = true,
        bool effectiveOrder = false)
    {
        ArgumentNullException.ThrowIfNull(hypotheses);
        ArgumentNullException.ThrowIfNull(referenceStreams);
        if (referenceStreams.Count == 0) throw new ArgumentException("BLEU needs at least one reference stream.", nameof(referenceStreams));
        for (var j = 0; j < referenceStreams.Count; j++)
            if (referenceStreams[j].Count != hypotheses.Count)
                throw new ArgumentException($"reference stream {j} has {referenceStreams[j].Count} segments, the hypotheses {hypotheses.Count}.", nameof(referenceStreams));

        var matches = new long[MaxOrder];
        var totals = new long[MaxOrder];
        long hypLength = 0, refLength = 0;
        for (var i = 0; i < hypotheses.Count; i++)
        {
            var hyp = Tokens(hypotheses[i], tokenize);
            var maxRefCounts = new Dictionary<string[], int>(NGramComparer.Instance);
            var refLengths = new List<int>();
            foreach (var stream in referenceStreams)
            {
                var reference = Tokens(stream[i], tokenize);
                refLengths.Add(reference.Length);
                foreach (var (ngram, count) in NGrams(reference))
                    maxRefCounts[ngram] = Math.Max(maxRefCounts.GetValueOrDefault(ngram), count);
            }
            hypLength += hyp.Length;
            refLength += ClosestLength(hyp.Length, refLengths);
            foreach (var (ngram, count) in NGrams(hyp))
            {
                var order = ngram.Length;
                totals[order - 1] += count;
                if (maxRefCounts.TryGetValue(ngram, out var refCount)) matches[order - 1] += Math.Min(count, refCount);
            }
        }
        return FromStatistics(matches, totals, hypLength, refLength, smoothing, floor, effectiveOrder);
    }

    /// <summary>
    /// BLEU from its sufficient statistics (sacreBLEU's <c>compute_bleu</c>): per-order matches and totals, the
    /// hypothesis length and the reference length.
    /// </summary>
    /// <exception cref="ArgumentException">The statistics do not have <see cref="MaxOrder"/> orders.</exception>
    public static BleuScore FromStatistics(
        IReadOnlyList<long> matches,
        IReadOnlyList<long> totals,
        long hypothesisLength,
        long referenceLength,
        BleuSmoothing smoothing = BleuSmoothing.Exponential,
        double floor = 0.1,
        bool effectiveOrder = false)
    {
        ArgumentNullException.ThrowIfNull(matches);
        ArgumentNullException.ThrowIfNull(totals);
        if (matches.Count != MaxOrder || totals.Count != MaxOrder)
            throw new ArgumentException($"BLEU statistics need {MaxOrder} orders.", nameof(matches));

        var bp = 1.0;
        if (hypothesisLength < referenceLength)
            bp = hypothesisLength > 0 ? Math.Exp(1.0 - (double)referenceLength / hypothesisLength) : 0.0;
        var precisions = new double[MaxOrder];
        if (matches.All(m => m == 0))
            return new BleuScore(0.0, [.. matches], [.. totals], precisions, bp, hypothesisLength, referenceLength);

        var exponential = 1.0;
        var order = MaxOrder;
        for (var n = 1; n <= MaxOrder; n++)
        {
            if (totals[n - 1] == 0) break;
            if (effectiveOrder) order = n;
            if (matches[n - 1] == 0)
            {
                if (smoothing == BleuSmoothing.Exponential)
                {
                    exponential *= 2;
                    precisions[n - 1] = 100.0 / (exponential * totals[n - 1]);
                }
                else if (smoothing == BleuSmoothing.Floor) precisions[n - 1] = 100.0 * floor / totals[n - 1];
            }
            else precisions[n - 1] = 100.0 * matches[n - 1] / totals[n - 1];
        }
        // sacreBLEU's log of 0 is a large negative number rather than -infinity, so a zero precision gives 0, not NaN.
        var logSum = precisions.Take(order).Sum(p => p == 0 ? -9_999_999_999.0 : Math.Log(p));
        var score = bp * Math.Exp(logSum / order);
        return new BleuScore(score, [.. matches], [.. totals], precisions, bp, hypothesisLength, referenceLength);
    }

    private static string[] Tokens(string text, bool tokenize)
    {
        ArgumentNullException.ThrowIfNull(text);
        // sacreBLEU strips trailing whitespace before tokenising.
        var trimmed = text.TrimEnd();
        return tokenize ? Tokenizer13a.Split(trimmed) : PythonText.SplitWhitespace(trimmed);
    }

    private static Dictionary<string[], int> NGrams(string[] tokens)
    {
        var counts = new Dictionary<string[], int>(NGramComparer.Instance);
        for (var n = 1; n <= MaxOrder; n++)
            for (var i = 0; i + n <= tokens.Length; i++)
            {
                var key = tokens[i..(i + n)];
                counts[key] = counts.GetValueOrDefault(key) + 1;
            }
        return counts;
    }

    private static int ClosestLength(int hypLength, List<int> refLengths)
    {
        int closestDiff = -1, closest = -1;
        foreach (var length in refLengths)
        {
            var diff = Math.Abs(hypLength - length);
            if (closestDiff == -1 || diff < closestDiff) (closestDiff, closest) = (diff, length);
            else if (diff == closestDiff && length < closest) closest = length;
        }
        return closest;
    }
}
