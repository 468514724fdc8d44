namespace MetaNlp.Data;

/// <summary>
/// The task samplers a training run can choose (<see cref="Models.MetaTrainerOptions.Sampler"/>, <c>metanlp train
/// --sampler</c>): which classes its training episodes are drawn from. Validation episodes stay uniform, so runs
/// with different samplers are validated alike.
/// </summary>
public static class TaskSamplers
{
    /// <summary>N classes drawn uniformly per episode (<see cref="EpisodeSampler"/>), the default.</summary>
    public const string Uniform = "uniform";

    /// <summary>The least-drawn classes first (<see cref="BalancedClassSampler"/>).</summary>
    public const string Balanced = "balanced";

    /// <summary>Easy to hard classes, widening over the run (<see cref="CurriculumClassSampler"/>).</summary>
    public const string Curriculum = "curriculum";

    /// <summary>
    /// The classes the model currently gets wrong or confuses, drawn more often (<see cref="HardClassSampler"/>); the
    /// trainer feeds it every episode's query predictions.
    /// </summary>
    public const string Hard = "hard";

    /// <summary>Every sampler name.</summary>
    public static IReadOnlyList<string> Names { get; } = [Uniform, Balanced, Curriculum, Hard];

    /// <summary>
    /// The training source of <paramref name="sampler"/> over <paramref name="train"/>: <paramref name="train"/>
    /// itself for uniform, else a sampler drawing its examples.
    /// </summary>
    /// <param name="sampler">One of <see cref="Names"/>.</param>
    /// <param name="train">The uniform training episodes.</param>
    /// <param name="runEpisodes">Episodes of the whole run (curriculum).</param>
    /// <param name="seed">The run's seed.</param>
    /// <param name="hard">Options of the hard sampler (null: the defaults); ignored by the others.</param>
    /// <exception cref="ArgumentException">An unknown sampler, hard options out of bounds, or a non-uniform one over episodes that do not come from one set of classes (ARSC's tasks).</exception>
    public static IEpisodeSource Apply(string sampler, IEpisodeSource train, long runEpisodes, int seed, HardSamplerOptions? hard = null)
    {
        ArgumentNullException.ThrowIfNull(train);
        OptionBounds.OneOf("sampler", sampler, Names);
        if (sampler == Uniform) return train;
        if (train is not EpisodeSampler classes)
            throw new ArgumentException($"The {sampler} sampler draws classes of one class set; this dataset's training episodes come from several tasks (ARSC), so use --sampler uniform.", nameof(sampler));
        return sampler switch
        {
            Balanced => new BalancedClassSampler(classes, seed),
            Hard => new HardClassSampler(classes, hard ?? new HardSamplerOptions(), seed),
            _ => new CurriculumClassSampler(classes, ClassDifficulty.Measure(classes), runEpisodes, seed),
        };
    }
}
