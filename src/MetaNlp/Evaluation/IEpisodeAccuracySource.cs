using MetaNlp.Algorithms;
using MetaNlp.Data;

namespace MetaNlp.Evaluation;

/// <summary>
/// Where <see cref="EpisodeEvaluator"/> gets the accuracy of each test episode: in this process
/// (<see cref="LocalEpisodeAccuracies"/>, the default) or from other processes (<c>MetaNlp.Cluster</c>'s
/// <c>ClusterEvaluation</c>, which sends episode indices to workers holding the same model and episodes). The
/// evaluator keeps the rest: the mean, its interval and the report.
/// </summary>
public interface IEpisodeAccuracySource
{
    /// <summary>
    /// The accuracy of each of episodes 0 to <paramref name="count"/> - 1 of <paramref name="episodes"/>, in index
    /// order, each as <see cref="EpisodeEvaluator.EpisodeAccuracy"/> computes it with <paramref name="learner"/> in
    /// evaluation mode.
    /// </summary>
    /// <param name="learner">The learner, adapted to each episode's support set.</param>
    /// <param name="episodes">The test episodes.</param>
    /// <param name="count">How many, from index 0.</param>
    /// <param name="onEpisodes">Called with the number of episodes done so far, on the caller's thread; null for none.</param>
    double[] Compute(IFewShotLearner learner, IEpisodeSource episodes, int count, Action<int>? onEpisodes);
}

/// <summary>Every episode evaluated here, one after the other (<see cref="EpisodeEvaluator.EpisodeAccuracies"/>).</summary>
public sealed class LocalEpisodeAccuracies : IEpisodeAccuracySource
{
    /// <summary>The one instance (it has no state).</summary>
    public static LocalEpisodeAccuracies Instance { get; } = new();

    private LocalEpisodeAccuracies()
    {
    }

    /// <inheritdoc />
    public double[] Compute(IFewShotLearner learner, IEpisodeSource episodes, int count, Action<int>? onEpisodes) =>
        EpisodeEvaluator.EpisodeAccuracies(learner, episodes, [.. Enumerable.Range(0, count).Select(i => (long)i)], onEpisodes);
}
