using MetaNlp.Algorithms;
using MetaNlp.Data;

namespace MetaNlp.Tests;

/// <summary>Assertions shared by the learner tests.</summary>
internal static class LearnerChecks
{
    /// <summary>Two learners (a model and its reloaded checkpoint) adapted to the episode's support predict its queries alike.</summary>
    public static void AssertSamePredictions(IFewShotLearner expected, IFewShotLearner actual, Episode episode)
    {
        using var a = expected.Adapt(episode.Support);
        using var b = actual.Adapt(episode.Support);
        var texts = episode.Query.Select(q => q.Text).ToArray();
        Assert.Equal(a.Predict(texts).Select(p => p.Probability), b.Predict(texts).Select(p => p.Probability), (x, y) => Math.Abs(x - y) < 1e-5);
    }
}
