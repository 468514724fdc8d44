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
    public static EvaluationResult Evaluate(IFewShotLearner learner, IEpisodeSource sampler, int episodes, Action<int>? onEpisode = null)
    {
        ArgumentNullException.ThrowIfNull(learner);
        ArgumentNullException.ThrowIfNull(sampler);
        if (episodes < 1) throw new ArgumentOutOfRangeException(nameof(episodes), "Evaluate at least one episode.");
        bool wasTraining = learner.Module.training;
        learner.Module.eval();
        var accuracies = new double[episodes];
        var clock = Stopwatch.StartNew();
        try
        {
            for (int i = 0; i < episodes; i++)
            {
                using var scope = NewDisposeScope();
                accuracies[i] = EpisodeAccuracy(learner, sampler.Sample(i));
                onEpisode?.Invoke(i + 1);
            }
        }
        finally
        {
            if (wasTraining) learner.Module.train();
        }
        return new EvaluationResult(AccuracySummary.FromValues(accuracies), accuracies, clock.Elapsed.TotalSeconds);
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
