namespace MetaNlp.Data;

/// <summary>Options of <see cref="EpisodeSampler"/>.</summary>
public sealed record EpisodeSamplerOptions
{
    /// <summary>Classes per episode (N).</summary>
    public int Ways { get; init; } = 5;

    /// <summary>Support examples per class (K).</summary>
    public int Shots { get; init; } = 5;

    /// <summary>Query examples per class (Q).</summary>
    public int Queries { get; init; } = 5;

    /// <summary>Leave out classes with fewer than K+Q examples instead of failing.</summary>
    public bool SkipSmallClasses { get; init; }

    /// <summary>Run fewer ways than <see cref="Ways"/> when the split has fewer classes, instead of failing (see <see cref="EpisodeSampler.Note"/>).</summary>
    public bool AllowFewerWays { get; init; }

    /// <summary>Most <see cref="Ways"/>.</summary>
    public const int MaxWays = 1000;

    /// <summary>Most <see cref="Shots"/>, and most <see cref="Queries"/>.</summary>
    public const int MaxPerClass = 10_000;

    /// <summary>Most examples in one episode: <see cref="Ways"/> x (<see cref="Shots"/> + <see cref="Queries"/>).</summary>
    public const int MaxEpisodeExamples = 100_000;

    /// <summary>
    /// Checks the episode shape, naming the bad value: ways 1 to 1,000, shots and queries 1 to 10,000 each, and at
    /// most 100,000 examples per episode (ways x (shots + queries)), so no count overflows.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of bounds.</exception>
    public void Validate()
    {
        OptionBounds.Check(nameof(Ways), Ways, 1, MaxWays);
        OptionBounds.Check(nameof(Shots), Shots, 1, MaxPerClass);
        OptionBounds.Check(nameof(Queries), Queries, 1, MaxPerClass);
        long examples = (long)Ways * (Shots + Queries);
        if (examples > MaxEpisodeExamples)
            throw new ArgumentOutOfRangeException(nameof(Ways), $"An episode of {Ways} ways x ({Shots} shots + {Queries} queries) has {examples:N0} examples; at most {MaxEpisodeExamples:N0} are allowed.");
    }
}

/// <summary>
/// Seeded N-way K-shot Q-query episodes over the classes of one split. Episode i of a seed is always the same
/// episode, whatever was sampled before it, so a resumed run sees exactly the episodes it would have seen.
/// No example is in both the support and the query set of an episode; class indices are assigned per episode.
/// </summary>
public sealed class EpisodeSampler : IEpisodeSource
{
    private readonly string[] _classes;
    private readonly TextExample[][] _byClass;
    private readonly int _seed;

    /// <summary>Groups <paramref name="pool"/> by the given classes and checks every class has enough examples.</summary>
    /// <exception cref="ArgumentException">A class has fewer than K+Q examples (the message names it and the counts), or there are too few classes.</exception>
    public EpisodeSampler(IReadOnlyList<TextExample> pool, IReadOnlyList<string> classes, EpisodeSamplerOptions options, int seed)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(classes);
        Options = options ?? throw new ArgumentNullException(nameof(options));
        options.Validate();
        _seed = seed;
        var groups = pool.GroupBy(e => e.Label, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);
        int needed = options.Shots + options.Queries;
        var kept = new List<string>();
        var skipped = new List<string>();
        foreach (var c in classes.Distinct(StringComparer.Ordinal))
        {
            int count = groups.TryGetValue(c, out var examples) ? examples.Length : 0;
            if (count >= needed) kept.Add(c);
            else if (options.SkipSmallClasses) skipped.Add($"{c} ({count})");
            else
                throw new ArgumentException(
                    $"Class '{c}' has {count} examples but {options.Shots}-shot {options.Queries}-query episodes need {needed} per class " +
                    "(lower --shots/--queries, or skip such classes).");
        }
        _classes = kept.ToArray();
        _byClass = _classes.Select(c => groups[c]).ToArray();
        Skipped = skipped;
        Ways = options.Ways;
        var notes = new List<string>();
        if (skipped.Count > 0)
            notes.Add($"{skipped.Count} classes with fewer than {needed} examples are left out: {string.Join(", ", skipped.Take(5))}{(skipped.Count > 5 ? ", ..." : "")}");
        if (_classes.Length < options.Ways)
        {
            if (!options.AllowFewerWays || _classes.Length < 2)
                throw new ArgumentException($"{options.Ways}-way episodes need {options.Ways} classes with at least {needed} examples; the split has {_classes.Length}.");
            Ways = _classes.Length;
            notes.Add($"the split has only {_classes.Length} usable classes, so its episodes are {Ways}-way instead of {options.Ways}-way");
        }
        Note = notes.Count > 0 ? string.Join("; ", notes) : null;
    }

    /// <summary>The options asked for.</summary>
    public EpisodeSamplerOptions Options { get; }

    /// <summary>Ways actually sampled (fewer than asked only with <see cref="EpisodeSamplerOptions.AllowFewerWays"/>).</summary>
    public int Ways { get; }

    /// <summary>What differs from the options (classes left out, fewer ways), or null.</summary>
    public string? Note { get; }

    /// <summary>The classes episodes are drawn from.</summary>
    public IReadOnlyList<string> Classes => _classes;

    /// <summary>The examples of class <paramref name="classIndex"/> (an index into <see cref="Classes"/>).</summary>
    public IReadOnlyList<TextExample> ExamplesOf(int classIndex) => _byClass[classIndex];

    /// <summary>Classes left out for having too few examples, with their counts.</summary>
    public IReadOnlyList<string> Skipped { get; }

    /// <summary>Episode number <paramref name="index"/> of this sampler's seed.</summary>
    public Episode Sample(long index)
    {
        var random = new Random(EpisodeSeed(_seed, index));
        var classOrder = PartialShuffle(random, _classes.Length, Ways);
        return Build(random, classOrder);
    }

    /// <summary>
    /// Episode number <paramref name="index"/> over the given classes (indices into <see cref="Classes"/>, distinct,
    /// in episode order): the examples are drawn as <see cref="Sample(long)"/> draws them, from the episode's own
    /// seed, so a task sampler that picks the classes stays reproducible.
    /// </summary>
    /// <exception cref="ArgumentException">Not <see cref="Ways"/> distinct class indices below the class count.</exception>
    public Episode Sample(long index, IReadOnlyList<int> classIndices)
    {
        ArgumentNullException.ThrowIfNull(classIndices);
        if (classIndices.Count != Ways || classIndices.Distinct().Count() != Ways || classIndices.Any(c => c < 0 || c >= _classes.Length))
            throw new ArgumentException($"An episode needs {Ways} distinct class indices below {_classes.Length}.", nameof(classIndices));
        return Build(new Random(EpisodeSeed(_seed, index)), [.. classIndices]);
    }

    private Episode Build(Random random, int[] classOrder)
    {
        var names = new string[Ways];
        var support = new List<TextExample>(Ways * Options.Shots);
        var query = new List<TextExample>(Ways * Options.Queries);
        for (int i = 0; i < Ways; i++)
        {
            var examples = _byClass[classOrder[i]];
            names[i] = _classes[classOrder[i]];
            var picked = PartialShuffle(random, examples.Length, Options.Shots + Options.Queries);
            for (int j = 0; j < Options.Shots; j++) support.Add(examples[picked[j]]);
            for (int j = Options.Shots; j < picked.Length; j++) query.Add(examples[picked[j]]);
        }
        return new Episode(names, support, query);
    }

    /// <summary>Episodes <paramref name="start"/> to <paramref name="start"/> + <paramref name="count"/> - 1.</summary>
    public IEnumerable<Episode> Take(long start, int count)
    {
        for (long i = start; i < start + count; i++) yield return Sample(i);
    }

    /// <summary>The first k entries of a random permutation of 0..n-1 (Fisher-Yates stopped after k swaps): k distinct indices below n.</summary>
    internal static int[] PartialShuffle(Random random, int n, int k)
    {
        var items = Enumerable.Range(0, n).ToArray();
        for (int i = 0; i < k; i++)
        {
            int j = random.Next(i, n);
            (items[i], items[j]) = (items[j], items[i]);
        }
        return items[..k];
    }

    // SplitMix64 of (seed, index): independent, reproducible seeds per episode.
    internal static int EpisodeSeed(int seed, long index)
    {
        ulong z = unchecked(((ulong)(uint)seed << 32) ^ (ulong)index) + 0x9E3779B97F4A7C15UL;
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return (int)((z ^ (z >> 31)) & 0x7FFFFFFF);
    }
}
