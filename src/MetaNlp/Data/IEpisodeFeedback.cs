namespace MetaNlp.Data;

/// <summary>
/// A training episode source whose next draws depend on how the model did on its earlier episodes (the hard sampler,
/// <see cref="HardClassSampler"/>). The trainer tells it the query predictions of every episode it trained on, in
/// episode order, and saves <see cref="State"/> with its training state so a resumed run draws what the
/// uninterrupted run would have: episode i is a function of the seed and the feedback on episodes 0 to i - 1.
/// </summary>
public interface IEpisodeFeedback : IEpisodeSource
{
    /// <summary>How many episodes have been observed: the index of the only episode <see cref="IEpisodeSource.Sample"/> may draw next.</summary>
    long Observed { get; }

    /// <summary>
    /// Records the model's predictions on the queries of episode <paramref name="index"/> (which must be
    /// <see cref="Observed"/>): <paramref name="predicted"/>[j] is the class position (into
    /// <see cref="Episode.Classes"/>) the model gave query j, predicted before the step trained on the episode.
    /// </summary>
    /// <exception cref="ArgumentException">Episodes out of order, or not one prediction per query within the episode's ways.</exception>
    void Observe(long index, Episode episode, IReadOnlyList<int> predicted);

    /// <summary>Everything the draws depend on beyond the seed, to save with a training state.</summary>
    TaskSamplerState State { get; }

    /// <summary>Continues from a saved <see cref="State"/> of a sampler over the same classes and options.</summary>
    /// <exception cref="ArgumentException">The state is of another sampler, another class count, or holds values out of range.</exception>
    void Restore(TaskSamplerState state);
}

/// <summary>The saved state of an <see cref="IEpisodeFeedback"/> sampler (part of a training state's header).</summary>
/// <param name="Sampler">The sampler's name ("hard").</param>
/// <param name="Observed">Episodes observed (<see cref="IEpisodeFeedback.Observed"/>).</param>
/// <param name="Values">The sampler's estimates, in the layout it documents.</param>
public sealed record TaskSamplerState(string Sampler, long Observed, IReadOnlyList<double> Values);
