namespace MetaNlp.Data;

/// <summary>
/// A fixed list of episodes shipped with a benchmark (FewJoint's development episodes): episode i is the
/// (i mod count)-th, so asking for more episodes than there are repeats them in order.
/// </summary>
public sealed class ShippedEpisodeSource : IEpisodeSource
{
    private readonly Episode[] _episodes;

    /// <summary>Wraps <paramref name="episodes"/>; <paramref name="options"/> is only reported, the episodes keep their own shapes.</summary>
    /// <exception cref="ArgumentException">There is no episode.</exception>
    public ShippedEpisodeSource(IReadOnlyList<Episode> episodes, EpisodeSamplerOptions options)
    {
        ArgumentNullException.ThrowIfNull(episodes);
        Options = options ?? throw new ArgumentNullException(nameof(options));
        if (episodes.Count == 0) throw new ArgumentException("No shipped episodes.", nameof(episodes));
        _episodes = [.. episodes];
        Ways = _episodes.Min(e => e.Ways);
        Note = _episodes.Any(e => e.Ways != Ways)
            ? $"the shipped episodes have {Ways} to {_episodes.Max(e => e.Ways)} ways and their own support and query sizes"
            : null;
    }

    /// <inheritdoc />
    public EpisodeSamplerOptions Options { get; }

    /// <inheritdoc />
    public int Ways { get; }

    /// <inheritdoc />
    public string? Note { get; }

    /// <summary>Number of distinct episodes.</summary>
    public int Count => _episodes.Length;

    /// <inheritdoc />
    public Episode Sample(long index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        return _episodes[(int)(index % _episodes.Length)];
    }
}
