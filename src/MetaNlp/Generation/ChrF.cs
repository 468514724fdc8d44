namespace MetaNlp.Generation;

/// <summary>
/// Corpus chrF (Popović 2015) as sacreBLEU 2.x computes it: per segment, character n-gram (and optionally word
/// n-gram) counts against each reference, keeping the reference with the best segment F-score; the counts are summed
/// over the corpus and turned into one F_β score in 0–100. Characters are Unicode code points, as in Python.
/// </summary>
public static class ChrF
{
    // Python's string.punctuation: chrF++ splits one of these off the start or end of a word.
    private const string Punctuation = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

    /// <summary>
    /// Corpus chrF of <paramref name="hypotheses"/> against one or more reference streams (stream j holds the j-th
    /// reference of every segment).
    /// </summary>
    /// <exception cref="ArgumentException">No reference stream, or a stream of another length than the hypotheses.</exception>
    public static double Corpus(IReadOnlyList<string> hypotheses, IReadOnlyList<IReadOnlyList<string>> referenceStreams, ChrFOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(hypotheses);
        ArgumentNullException.ThrowIfNull(referenceStreams);
        options ??= new ChrFOptions();
        options.Validate();
        if (referenceStreams.Count == 0) throw new ArgumentException("chrF needs at least one reference stream.", nameof(referenceStreams));
        for (var j = 0; j < referenceStreams.Count; j++)
            if (referenceStreams[j].Count != hypotheses.Count)
                throw new ArgumentException($"reference stream {j} has {referenceStreams[j].Count} segments, the hypotheses {hypotheses.Count}.", nameof(referenceStreams));

        var orders = options.CharOrder + options.WordOrder;
        var sum = new long[3 * orders];
        for (var i = 0; i < hypotheses.Count; i++)
        {
            var hyp = NGrams(Prepare(hypotheses[i], options), options);
            long[]? best = null;
            var bestF = -1.0;
            foreach (var stream in referenceStreams)
            {
                var reference = NGrams(Prepare(stream[i], options), options);
                var stats = new long[3 * orders];
                for (var o = 0; o < orders; o++)
                {
                    long hypCount = 0, match = 0;
                    foreach (var (gram, count) in hyp[o])
                    {
                        hypCount += count;
                        if (reference[o].TryGetValue(gram, out var refCount)) match += Math.Min(count, refCount);
                    }
                    // sacreBLEU counts no hypothesis n-grams of an order the reference lacks.
                    stats[3 * o] = reference[o].Count > 0 ? hypCount : 0;
                    stats[3 * o + 1] = reference[o].Values.Sum(c => (long)c);
                    stats[3 * o + 2] = match;
                }
                var f = FScore(stats, options);
                if (f > bestF) (bestF, best) = (f, stats);
            }
            for (var k = 0; k < sum.Length; k++) sum[k] += best![k];
        }
        return FScore(sum, options);
    }

    /// <summary>
    /// The chrF score (0–100) of summed statistics: for each order, hypothesis n-grams, reference n-grams and
    /// matches, in that order.
    /// </summary>
    public static double FScore(IReadOnlyList<long> statistics, ChrFOptions options)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        ArgumentNullException.ThrowIfNull(options);
        const double eps = 1e-16;
        var orders = statistics.Count / 3;
        var factor = (double)options.Beta * options.Beta;
        double score = 0, avgPrecision = 0, avgRecall = 0;
        var effective = 0;
        for (var o = 0; o < orders; o++)
        {
            double hyp = statistics[3 * o], reference = statistics[3 * o + 1], match = statistics[3 * o + 2];
            var precision = hyp > 0 ? match / hyp : eps;
            var recall = reference > 0 ? match / reference : eps;
            var denominator = factor * precision + recall;
            score += denominator > 0 ? (1 + factor) * precision * recall / denominator : eps;
            if (hyp > 0 && reference > 0)
            {
                avgPrecision += precision;
                avgRecall += recall;
                effective++;
            }
        }
        if (options.EpsilonSmoothing) return 100 * score / orders;
        if (effective == 0) return 0.0;
        avgPrecision /= effective;
        avgRecall /= effective;
        return avgPrecision + avgRecall > 0
            ? 100 * (1 + factor) * avgPrecision * avgRecall / (factor * avgPrecision + avgRecall)
            : 0.0;
    }

    private static string Prepare(string text, ChrFOptions options)
    {
        ArgumentNullException.ThrowIfNull(text);
        return options.LowerCase ? text.ToLowerInvariant() : text;
    }

    // One count table per order: character orders 1..CharOrder, then word orders 1..WordOrder.
    private static List<Dictionary<string, int>> NGrams(string text, ChrFOptions options)
    {
        var tables = new List<Dictionary<string, int>>();
        var line = options.IncludeWhitespace ? text : string.Concat(PythonText.SplitWhitespace(text));
        // Each code point as its own string, so that an n-gram is the concatenation of n of them (no surrogate split).
        var chars = line.EnumerateRunes().Select(r => r.ToString()).ToArray();
        for (var n = 1; n <= options.CharOrder; n++)
        {
            var table = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var i = 0; i + n <= chars.Length; i++)
            {
                var gram = string.Concat(chars.AsSpan(i, n));
                table[gram] = table.GetValueOrDefault(gram) + 1;
            }
            tables.Add(table);
        }
        if (options.WordOrder > 0)
        {
            var words = SplitPunctuation(text);
            for (var n = 1; n <= options.WordOrder; n++)
            {
                var table = new Dictionary<string, int>(StringComparer.Ordinal);
                for (var i = 0; i + n <= words.Count; i++)
                {
                    var gram = string.Join(' ', words.Skip(i).Take(n));
                    table[gram] = table.GetValueOrDefault(gram) + 1;
                }
                tables.Add(table);
            }
        }
        return tables;
    }

    // chrF++'s word splitting: whitespace, then one punctuation mark off the end (else off the start) of a longer word.
    private static List<string> SplitPunctuation(string text)
    {
        var words = new List<string>();
        foreach (var w in PythonText.SplitWhitespace(text))
        {
            if (w.Length == 1) words.Add(w);
            else if (Punctuation.Contains(w[^1], StringComparison.Ordinal)) words.AddRange([w[..^1], w[^1..]]);
            else if (Punctuation.Contains(w[0], StringComparison.Ordinal)) words.AddRange([w[..1], w[1..]]);
            else words.Add(w);
        }
        return words;
    }
}
