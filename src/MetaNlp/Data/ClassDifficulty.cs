namespace MetaNlp.Data;

/// <summary>
/// A measured difficulty of each class, computed once from its texts: the highest cosine similarity between the
/// class's mean bag-of-words vector and another class's (lower-cased word counts, each text's vector scaled to unit
/// length before averaging). A class whose nearest neighbour class uses the same words is hard to tell apart; 0 means
/// no word in common with any other class. It needs no model, so it is the same for every learner and encoder.
/// </summary>
public static class ClassDifficulty
{
    /// <summary>The difficulty of each class of <paramref name="sampler"/>, in the order of <see cref="EpisodeSampler.Classes"/>, from all its examples.</summary>
    public static double[] Measure(EpisodeSampler sampler)
    {
        ArgumentNullException.ThrowIfNull(sampler);
        var classes = sampler.Classes;
        var centroids = new Dictionary<string, double>[classes.Count];
        for (int c = 0; c < classes.Count; c++)
        {
            var sum = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var example in sampler.ExamplesOf(c))
            {
                var counts = Words(example.Text).GroupBy(w => w, StringComparer.Ordinal).ToDictionary(g => g.Key, g => (double)g.Count(), StringComparer.Ordinal);
                double norm = Math.Sqrt(counts.Values.Sum(v => v * v));
                if (norm > 0)
                    foreach (var (word, count) in counts) sum[word] = sum.GetValueOrDefault(word) + count / norm;
            }
            centroids[c] = sum;
        }
        var norms = centroids.Select(v => Math.Sqrt(v.Values.Sum(x => x * x))).ToArray();
        var difficulty = new double[classes.Count];
        for (int a = 0; a < classes.Count; a++)
            for (int b = a + 1; b < classes.Count; b++)
            {
                double cosine = norms[a] == 0 || norms[b] == 0 ? 0 : Dot(centroids[a], centroids[b]) / (norms[a] * norms[b]);
                difficulty[a] = Math.Max(difficulty[a], cosine);
                difficulty[b] = Math.Max(difficulty[b], cosine);
            }
        return difficulty;
    }

    private static double Dot(Dictionary<string, double> x, Dictionary<string, double> y)
    {
        if (x.Count > y.Count) (x, y) = (y, x);
        double dot = 0;
        foreach (var (word, value) in x)
            if (y.TryGetValue(word, out var other)) dot += value * other;
        return dot;
    }

    private static IEnumerable<string> Words(string text)
    {
        int start = -1;
        for (int i = 0; i <= text.Length; i++)
        {
            bool letter = i < text.Length && char.IsLetterOrDigit(text[i]);
            if (letter && start < 0) start = i;
            else if (!letter && start >= 0)
            {
                yield return text[start..i].ToLowerInvariant();
                start = -1;
            }
        }
    }
}
