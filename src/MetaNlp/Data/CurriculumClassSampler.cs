namespace MetaNlp.Data;

/// <summary>
/// Easy-to-hard training episodes. The classes are ranked once, easiest first, by <see cref="ClassDifficulty"/> (ties
/// by their order in <see cref="EpisodeSampler.Classes"/>); episode i of a run of T episodes draws its N classes
/// uniformly from the easiest P(i) = N + floor((C - N) x min(1, 2i / T)) of the C classes. The pool widens linearly
/// from the N easiest classes at the start to all classes half-way through the run; the second half is uniform.
/// Episode i is a function of the seed, i and T alone, so a resumed run (same T) draws what the uninterrupted run would have.
/// </summary>
public sealed class CurriculumClassSampler : IEpisodeSource
{
    private readonly EpisodeSampler _inner;
    private readonly int[] _easiestFirst;
    private readonly long _runEpisodes;
    private readonly int _seed;

    /// <summary>Orders the classes of <paramref name="inner"/> by <paramref name="difficulty"/> (one value per class, lower is easier).</summary>
    /// <param name="inner">The uniform sampler over the training classes, whose examples it draws.</param>
    /// <param name="difficulty">One difficulty per class of <paramref name="inner"/>, in its order.</param>
    /// <param name="runEpisodes">Episodes of the whole run (T), at least 1.</param>
    /// <param name="seed">Seed of the class draws (the run's seed).</param>
    /// <exception cref="ArgumentException">Not one difficulty per class, or a run of no episodes.</exception>
    public CurriculumClassSampler(EpisodeSampler inner, IReadOnlyList<double> difficulty, long runEpisodes, int seed)
    {
        _inner = inner ?? throw new ArgumentNullException(nameof(inner));
        ArgumentNullException.ThrowIfNull(difficulty);
        if (difficulty.Count != inner.Classes.Count)
            throw new ArgumentException($"{difficulty.Count} difficulties for {inner.Classes.Count} classes.", nameof(difficulty));
        ArgumentOutOfRangeException.ThrowIfLessThan(runEpisodes, 1);
        _easiestFirst = [.. Enumerable.Range(0, difficulty.Count).OrderBy(c => difficulty[c]).ThenBy(c => c)];
        _runEpisodes = runEpisodes;
        _seed = seed;
    }

    /// <inheritdoc/>
    public EpisodeSamplerOptions Options => _inner.Options;

    /// <inheritdoc/>
    public int Ways => _inner.Ways;

    /// <inheritdoc/>
    public string? Note => _inner.Note;

    /// <summary>The class indices (into <see cref="EpisodeSampler.Classes"/>), easiest first.</summary>
    public IReadOnlyList<int> EasiestFirst => _easiestFirst;

    /// <summary>How many of the easiest classes episode <paramref name="index"/> draws from: P(i) above.</summary>
    public int PoolSize(long index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        int extra = _easiestFirst.Length - Ways;
        double fraction = Math.Min(1.0, 2.0 * index / _runEpisodes);
        return Ways + (int)Math.Floor(extra * fraction);
    }

    /// <inheritdoc/>
    public Episode Sample(long index)
    {
        int pool = PoolSize(index);
        var random = new Random(EpisodeSampler.EpisodeSeed(_seed ^ 0x5BD1E995, index));
        var picked = EpisodeSampler.PartialShuffle(random, pool, Ways);
        return _inner.Sample(index, [.. picked.Select(p => _easiestFirst[p])]);
    }
}
