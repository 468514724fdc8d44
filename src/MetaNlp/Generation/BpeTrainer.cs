namespace MetaNlp.Generation;

/// <summary>
/// Learns a <see cref="BpeVocabulary"/> from texts (in a meta-learning run: the meta-training tasks' texts only, so
/// that no held-out task shapes the vocabulary). Microsoft.ML.Tokenizers 2.0.1, which the library references, can load
/// and apply a BPE model but has no trainer, hence this one. Each step merges the most frequent adjacent symbol pair
/// (counted over word frequencies); ties go to the pair that sorts first (ordinal on the left symbol, then the right),
/// so training is deterministic. Pair counts are kept up to date incrementally: a merge touches only the words that
/// hold the pair.
/// </summary>
public static class BpeTrainer
{
    /// <summary>Learns the merges of <paramref name="texts"/>.</summary>
    public static BpeVocabulary Train(IEnumerable<string> texts, BpeTrainerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(texts);
        options ??= new BpeTrainerOptions();
        options.Validate();

        var frequencies = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var text in texts)
        {
            ArgumentNullException.ThrowIfNull(text);
            foreach (var word in PythonText.SplitWhitespace(options.LowerCase ? text.ToLowerInvariant() : text))
                frequencies[word] = frequencies.GetValueOrDefault(word) + 1;
        }
        var words = frequencies.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => (Symbols: BpeVocabulary.Characters(p.Key), Frequency: p.Value)).ToList();
        // Every character seen, alone and as a word's end, so that any word of seen characters encodes without <unk>.
        var alphabet = frequencies.Keys.SelectMany(w => w.EnumerateRunes()).Select(r => r.ToString()).Distinct(StringComparer.Ordinal)
            .SelectMany(c => new[] { c, c + BpeVocabulary.EndOfWord }).ToList();

        var counts = new Dictionary<(string, string), long>();
        var holders = new Dictionary<(string, string), HashSet<int>>();
        var queue = new SortedSet<(long Count, string Left, string Right)>(QueueOrder.Instance);
        void Adjust((string, string) pair, long delta, int word)
        {
            var old = counts.GetValueOrDefault(pair);
            if (old > 0) queue.Remove((old, pair.Item1, pair.Item2));
            var now = old + delta;
            counts[pair] = now;
            if (now > 0) queue.Add((now, pair.Item1, pair.Item2));
            if (delta > 0)
            {
                if (!holders.TryGetValue(pair, out var set)) holders[pair] = set = [];
                set.Add(word);
            }
        }
        void Count(int w, int sign)
        {
            var (symbols, frequency) = words[w];
            for (var i = 0; i + 1 < symbols.Count; i++) Adjust((symbols[i], symbols[i + 1]), sign * frequency, w);
        }
        for (var w = 0; w < words.Count; w++) Count(w, +1);

        var merges = new List<(string, string)>();
        var learned = new HashSet<(string, string)>();
        while (merges.Count < options.MergeCount && queue.Count > 0)
        {
            var (count, left, right) = queue.Min;
            if (count < options.MinPairFrequency) break;
            // A pair can form again when a later merge rebuilds one of its symbols another way; its merge is already
            // learned (and applied by rank when encoding), so it is applied to the words but not listed twice.
            if (learned.Add((left, right))) merges.Add((left, right));
            // Words that once held the pair; a word that no longer does is subtracted and re-added unchanged.
            foreach (var w in holders[(left, right)].ToList())
            {
                Count(w, -1);
                words[w] = (BpeVocabulary.MergePair(words[w].Symbols, left, right), words[w].Frequency);
                Count(w, +1);
            }
            holders.Remove((left, right));
        }
        return new BpeVocabulary(alphabet, merges, options.LowerCase);
    }

    // Highest count first, then the pair that sorts first (ordinal), so the queue's minimum is the next merge.
    private sealed class QueueOrder : IComparer<(long Count, string Left, string Right)>
    {
        public static readonly QueueOrder Instance = new();

        public int Compare((long Count, string Left, string Right) x, (long Count, string Left, string Right) y)
        {
            var byCount = y.Count.CompareTo(x.Count);
            if (byCount != 0) return byCount;
            var byLeft = string.CompareOrdinal(x.Left, y.Left);
            return byLeft != 0 ? byLeft : string.CompareOrdinal(x.Right, y.Right);
        }
    }
}
