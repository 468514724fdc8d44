namespace MetaNlp.Functional;

/// <summary>A pair of examples (indices into a labelled set) and whether they share a label.</summary>
public readonly record struct ExamplePair(int First, int Second, bool Same);

/// <summary>
/// Same/different pairs for Siamese training that grow linearly with the examples, not quadratically (SetFit's
/// O(n^2) pair generation is what makes it slow on larger support sets): each example is paired with one random
/// example of its class and one of another class, so n examples give at most 2n pairs, half of them positive.
/// </summary>
public static class PairSampler
{
    /// <summary>Pairs for <paramref name="labels"/> (one label index per example), drawn with <paramref name="random"/>.</summary>
    public static IReadOnlyList<ExamplePair> Sample(IReadOnlyList<int> labels, Random random)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(random);
        var byClass = labels.Select((label, index) => (label, index)).GroupBy(p => p.label).ToDictionary(g => g.Key, g => g.Select(p => p.index).ToArray());
        if (byClass.Count < 2) throw new ArgumentException("Pairs need examples of at least two labels.", nameof(labels));
        var pairs = new List<ExamplePair>(2 * labels.Count);
        for (int i = 0; i < labels.Count; i++)
        {
            var same = byClass[labels[i]];
            if (same.Length > 1)
            {
                int partner = same[random.Next(same.Length - 1)];
                if (partner == i) partner = same[^1]; // draw among the others: the last one stands in for i
                pairs.Add(new ExamplePair(i, partner, true));
            }
            int other;
            do other = random.Next(labels.Count);
            while (labels[other] == labels[i]);
            pairs.Add(new ExamplePair(i, other, false));
        }
        return pairs;
    }

    /// <summary>A seed that depends only on the texts (FNV-1a), so an episode always gets the same pairs, in any process.</summary>
    public static int StableSeed(IEnumerable<string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        uint hash = 2166136261;
        foreach (var text in texts)
        {
            foreach (char c in text) hash = (hash ^ c) * 16777619;
            hash = (hash ^ '\n') * 16777619;
        }
        return (int)(hash & 0x7fffffff);
    }
}
