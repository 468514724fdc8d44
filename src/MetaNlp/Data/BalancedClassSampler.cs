namespace MetaNlp.Data;

/// <summary>
/// Class-balanced training episodes: each episode takes the <see cref="EpisodeSampler.Ways"/> classes drawn least
/// often so far, ties broken by a seeded random order per episode. After any t episodes of N ways over C classes,
/// every class has been drawn floor(tN/C) or ceil(tN/C) times (the counts never differ by more than one). Episode i
/// is a function of the seed and i alone: the counts before it are replayed from episode 0 (cached for the usual
/// forward order), so a resumed run draws what the uninterrupted run would have. The cache makes an instance unsafe
/// to share between threads (the trainer draws its episodes on one).
/// </summary>
public sealed class BalancedClassSampler : IEpisodeSource
{
    private readonly EpisodeSampler _inner;
    private readonly int _seed;
    private readonly long[] _counts;
    private long _next;

    /// <summary>Balances the classes of <paramref name="inner"/>, whose examples it draws.</summary>
    /// <param name="inner">The uniform sampler over the training classes.</param>
    /// <param name="seed">Seed of the tie-breaking order (the run's seed).</param>
    public BalancedClassSampler(EpisodeSampler inner, int seed)
    {
        _inner = inner ?? throw new ArgumentNullException(nameof(inner));
        _seed = seed;
        _counts = new long[inner.Classes.Count];
    }

    /// <inheritdoc/>
    public EpisodeSamplerOptions Options => _inner.Options;

    /// <inheritdoc/>
    public int Ways => _inner.Ways;

    /// <inheritdoc/>
    public string? Note => _inner.Note;

    /// <summary>How often each class (in <see cref="EpisodeSampler.Classes"/> order) was drawn by episodes 0 to <paramref name="index"/> - 1.</summary>
    public IReadOnlyList<long> CountsBefore(long index)
    {
        AdvanceTo(index);
        return [.. _counts];
    }

    /// <inheritdoc/>
    public Episode Sample(long index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        AdvanceTo(index);
        var classes = Pick(index);
        return _inner.Sample(index, classes);
    }

    private void AdvanceTo(long index)
    {
        if (index < _next)
        {
            Array.Clear(_counts);
            _next = 0;
        }
        while (_next < index)
        {
            foreach (int c in Pick(_next)) _counts[c]++;
            _next++;
        }
    }

    // The Ways least-drawn classes, ties in a random order of this episode's own seed (another stream than the
    // examples').
    private int[] Pick(long index)
    {
        var random = new Random(EpisodeSampler.EpisodeSeed(_seed ^ 0x5BD1E995, index));
        var keys = new double[_counts.Length];
        for (int c = 0; c < keys.Length; c++) keys[c] = random.NextDouble();
        return [.. Enumerable.Range(0, _counts.Length).OrderBy(c => _counts[c]).ThenBy(c => keys[c]).Take(Ways)];
    }
}
