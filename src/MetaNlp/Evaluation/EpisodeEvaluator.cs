using System.Diagnostics;
using MetaNlp.Algorithms;
using MetaNlp.Data;
using static TorchSharp.torch;

namespace MetaNlp.Evaluation;

/// <summary>Result of an evaluation: the summary, the per-episode accuracies and the time it took.</summary>
public sealed record EvaluationResult(AccuracySummary Accuracy, IReadOnlyList<double> EpisodeAccuracies, double Seconds)
{
    /// <summary>Episodes evaluated per second.</summary>
    public double EpisodesPerSecond => Seconds > 0 ? EpisodeAccuracies.Count / Seconds : 0;
}

/// <summary>Episodic evaluation: adapt to each episode's support, predict its queries, average the accuracies.</summary>
public static class EpisodeEvaluator
{
    /// <summary>Evaluates episodes 0..<paramref name="episodes"/>-1 of <paramref name="sampler"/>.</summary>
    /// <param name="learner">The learner, put in evaluation mode for the call.</param>
    /// <param name="sampler">The test episodes.</param>
    /// <param name="episodes">How many, from index 0.</param>
    /// <param name="onEpisode">Called with the number of episodes done so far; null for none.</param>
    /// <param name="accuracies">Where the episodes are computed: null for this process (<see cref="LocalEpisodeAccuracies"/>).</param>
    public static EvaluationResult Evaluate(IFewShotLearner learner, IEpisodeSource sampler, int episodes, Action<int>? onEpisode = null, IEpisodeAccuracySource? accuracies = null)
    {
        ArgumentNullException.ThrowIfNull(learner);
        ArgumentNullException.ThrowIfNull(sampler);
        if (episodes < 1) throw new ArgumentOutOfRangeException(nameof(episodes), "Evaluate at least one episode.");
        bool wasTraining = learner.Module.training;
        learner.Module.eval();
        var clock = Stopwatch.StartNew();
        double[] values;
        try
        {
            values = (accuracies ?? LocalEpisodeAccuracies.Instance).Compute(learner, sampler, episodes, onEpisode);
        }
        finally
        {
            if (wasTraining) learner.Module.train();
        }
        if (values.Length != episodes)
            throw new InvalidOperationException($"{episodes} episodes were asked for and {values.Length} accuracies came back.");
        return new EvaluationResult(AccuracySummary.FromValues(values), values, clock.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// The accuracy of each of <paramref name="indices"/>' episodes, in that order, each in its own dispose scope: the
    /// one loop that single-process evaluation (<see cref="LocalEpisodeAccuracies"/>) and cluster workers share.
    /// </summary>
    /// <param name="learner">The learner, in evaluation mode.</param>
    /// <param name="episodes">The test episodes.</param>
    /// <param name="indices">Which episodes.</param>
    /// <param name="onEpisode">Called with the number of episodes done so far; null for none.</param>
    public static double[] EpisodeAccuracies(IFewShotLearner learner, IEpisodeSource episodes, IReadOnlyList<long> indices, Action<int>? onEpisode = null)
    {
        ArgumentNullException.ThrowIfNull(learner);
        ArgumentNullException.ThrowIfNull(episodes);
        ArgumentNullException.ThrowIfNull(indices);
        var accuracies = new double[indices.Count];
        for (int i = 0; i < accuracies.Length; i++)
        {
            using var scope = NewDisposeScope();
            accuracies[i] = EpisodeAccuracy(learner, episodes.Sample(indices[i]));
            onEpisode?.Invoke(i + 1);
        }
        return accuracies;
    }

    /// <summary>Fraction of the episode's queries the adapted classifier labels correctly.</summary>
    public static double EpisodeAccuracy(IFewShotLearner learner, Episode episode)
    {
        ArgumentNullException.ThrowIfNull(learner);
        ArgumentNullException.ThrowIfNull(episode);
        using var classifier = learner.Adapt(episode.Support);
        var predictions = classifier.Predict(episode.Query.Select(q => q.Text).ToArray());
        int correct = 0;
        for (int i = 0; i < predictions.Count; i++) if (predictions[i].Label == episode.Query[i].Label) correct++;
        return (double)correct / predictions.Count;
    }
}
