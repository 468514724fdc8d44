namespace MetaNlp.Generation;

/// <summary>
/// ROUGE-N and ROUGE-L as Google's rouge-score package computes them with its defaults (no stemming, which equals
/// ROUGE-1.5.5 run as <c>-n 2</c> without <c>-m</c>): text is lower-cased, every run of characters other than a–z and
/// 0–9 becomes a space (so non-ASCII letters never match), tokens are split on whitespace; ROUGE-N counts clipped
/// n-gram overlap, ROUGE-L uses the longest common subsequence of the whole texts (not the per-sentence "Lsum").
/// </summary>
public static class Rouge
{
    /// <summary>rouge-score's tokens of <paramref name="text"/>.</summary>
    public static IReadOnlyList<string> Tokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lower = text.ToLowerInvariant();
        var tokens = new List<string>();
        var start = -1;
        for (var i = 0; i <= lower.Length; i++)
        {
            var keep = i < lower.Length && (lower[i] is >= 'a' and <= 'z' || lower[i] is >= '0' and <= '9');
            if (keep && start < 0) start = i;
            else if (!keep && start >= 0)
            {
                tokens.Add(lower[start..i]);
                start = -1;
            }
        }
        return tokens;
    }

    /// <summary>ROUGE-N of <paramref name="prediction"/> against <paramref name="target"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="n"/> is not 1 to 9 (rouge-score's rouge1..rouge9).</exception>
    public static RougeScore N(string target, string prediction, int n)
    {
        if (n is < 1 or > 9) throw new ArgumentOutOfRangeException(nameof(n), n, "ROUGE-N needs n from 1 to 9.");
        var targetGrams = NGrams(Tokenize(target), n);
        var predictionGrams = NGrams(Tokenize(prediction), n);
        long overlap = 0;
        foreach (var (gram, count) in targetGrams) overlap += Math.Min(count, predictionGrams.GetValueOrDefault(gram));
        var targetCount = targetGrams.Values.Sum();
        var predictionCount = predictionGrams.Values.Sum();
        return RougeScore.Of((double)overlap / Math.Max(predictionCount, 1), (double)overlap / Math.Max(targetCount, 1));
    }

    /// <summary>ROUGE-L (longest common subsequence over the whole texts) of <paramref name="prediction"/>.</summary>
    public static RougeScore L(string target, string prediction)
    {
        var t = Tokenize(target);
        var p = Tokenize(prediction);
        if (t.Count == 0 || p.Count == 0) return new RougeScore(0, 0, 0);
        var lcs = LongestCommonSubsequence(t, p);
        return RougeScore.Of((double)lcs / p.Count, (double)lcs / t.Count);
    }

    /// <summary>Length of the longest common subsequence of two token lists.</summary>
    public static int LongestCommonSubsequence(IReadOnlyList<string> a, IReadOnlyList<string> b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        // Two rows of the dynamic-programming table are enough for the length.
        var previous = new int[b.Count + 1];
        var current = new int[b.Count + 1];
        for (var i = 1; i <= a.Count; i++)
        {
            for (var j = 1; j <= b.Count; j++)
                current[j] = string.Equals(a[i - 1], b[j - 1], StringComparison.Ordinal)
                    ? previous[j - 1] + 1
                    : Math.Max(previous[j], current[j - 1]);
            (previous, current) = (current, previous);
        }
        return previous[b.Count];
    }

    private static Dictionary<string[], int> NGrams(IReadOnlyList<string> tokens, int n)
    {
        var counts = new Dictionary<string[], int>(NGramComparer.Instance);
        for (var i = 0; i + n <= tokens.Count; i++)
        {
            var key = tokens.Skip(i).Take(n).ToArray();
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }
        return counts;
    }
}
