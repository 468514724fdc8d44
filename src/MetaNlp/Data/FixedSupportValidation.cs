namespace MetaNlp.Data;

/// <summary>
/// Validation for a model fine-tuned on a fixed support set (DNNC's train_K): every episode is the whole support set,
/// all its classes with all their examples, and queries drawn from the validation part, so validation asks what the
/// test asks (every class at once, from the very examples the model will be given) of other utterances. Episodes drawn
/// from the validation part alone (a 20-way task whose support is validation utterances too) rank models poorly there:
/// on CLINC150 at 10 per intent they ranked the untrained encoder first (87.93 on the test) over weights fine-tuned for
/// 100 episodes (89.40).
/// </summary>
public sealed class FixedSupportValidation : IEpisodeSource
{
    private readonly string[] _classes;
    private readonly TextExample[] _support;
    private readonly TextExample[][] _queriesByClass;
    private readonly int _seed;
    private readonly int? _drawn;

    /// <summary>Creates the source.</summary>
    /// <param name="support">The support set the model is fine-tuned on and evaluated with (every class it predicts).</param>
    /// <param name="validation">Labelled validation utterances; those of a class the support set lacks are left out.</param>
    /// <param name="queriesPerClass">
    /// Queries drawn per class and episode (fewer where a class has fewer validation utterances); null: every
    /// validation utterance, the same in every episode (one episode then scores the whole validation part).
    /// </param>
    /// <param name="seed">Seed of the draws: episode i of a seed is always the same episode.</param>
    /// <exception cref="ArgumentException">Fewer than two support classes, no validation utterance of a support class, or queries per class below 1.</exception>
    public FixedSupportValidation(IReadOnlyList<TextExample> support, IReadOnlyList<TextExample> validation, int? queriesPerClass = null, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(support);
        ArgumentNullException.ThrowIfNull(validation);
        if (queriesPerClass < 1) throw new ArgumentOutOfRangeException(nameof(queriesPerClass), $"Draw at least one query per class (got {queriesPerClass}).");
        _support = [.. support];
        _classes = [.. support.Select(e => e.Label).Distinct()];
        if (_classes.Length < 2) throw new ArgumentException($"Validation against a fixed support set needs two or more support classes (got {_classes.Length}).", nameof(support));
        var byLabel = validation.GroupBy(e => e.Label).ToDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);
        _queriesByClass = [.. _classes.Select(c => byLabel.TryGetValue(c, out var examples) ? examples : [])];
        if (_queriesByClass.All(q => q.Length == 0)) throw new ArgumentException("No validation utterance belongs to a class of the support set.", nameof(validation));
        int shots = support.GroupBy(e => e.Label).Min(g => g.Count());
        _drawn = queriesPerClass;
        Options = new EpisodeSamplerOptions { Ways = _classes.Length, Shots = shots, Queries = queriesPerClass ?? _queriesByClass.Max(q => q.Length) };
        _seed = seed;
    }

    /// <inheritdoc />
    public EpisodeSamplerOptions Options { get; }

    /// <inheritdoc />
    public int Ways => _classes.Length;

    /// <inheritdoc />
    public string? Note => null;

    /// <inheritdoc />
    public int? DistinctEpisodes => _drawn is null ? 1 : null;

    /// <inheritdoc />
    public Episode Sample(long index)
    {
        if (_drawn is not { } drawn) return new Episode(_classes, _support, [.. _queriesByClass.SelectMany(q => q)]);
        var random = new Random(EpisodeSampler.EpisodeSeed(_seed, index));
        var queries = new List<TextExample>(_classes.Length * drawn);
        foreach (var pool in _queriesByClass)
        {
            foreach (int i in EpisodeSampler.PartialShuffle(random, pool.Length, Math.Min(drawn, pool.Length))) queries.Add(pool[i]);
        }
        return new Episode(_classes, _support, queries);
    }
}
