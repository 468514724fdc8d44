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

    /// <summary>Every sampler name.</summary>
    public static IReadOnlyList<string> Names { get; } = [Uniform, Balanced, Curriculum];

    /// <summary>
    /// The training source of <paramref name="sampler"/> over <paramref name="train"/>: <paramref name="train"/>
    /// itself for uniform, else a sampler drawing its examples.
    /// </summary>
    /// <param name="sampler">One of <see cref="Names"/>.</param>
    /// <param name="train">The uniform training episodes.</param>
    /// <param name="runEpisodes">Episodes of the whole run (curriculum).</param>
    /// <param name="seed">The run's seed.</param>
    /// <exception cref="ArgumentException">An unknown sampler, or a non-uniform one over episodes that do not come from one set of classes (ARSC's tasks).</exception>
    public static IEpisodeSource Apply(string sampler, IEpisodeSource train, long runEpisodes, int seed)
    {
        ArgumentNullException.ThrowIfNull(train);
        OptionBounds.OneOf("sampler", sampler, Names);
        if (sampler == Uniform) return train;
        if (train is not EpisodeSampler classes)
            throw new ArgumentException($"The {sampler} sampler draws classes of one class set; this dataset's training episodes come from several tasks (ARSC), so use --sampler uniform.", nameof(sampler));
        return sampler == Balanced
            ? new BalancedClassSampler(classes, seed)
            : new CurriculumClassSampler(classes, ClassDifficulty.Measure(classes), runEpisodes, seed);
    }
}
