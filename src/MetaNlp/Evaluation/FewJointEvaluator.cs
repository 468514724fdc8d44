using MetaNlp.Algorithms;
using MetaNlp.Data;

namespace MetaNlp.Evaluation;

/// <summary>
/// FewJoint's intent-detection protocol (Hou et al. 2020): each shipped test episode adapted to its own support set
/// and scored on all its labelled queries; the mean accuracy over the episodes. Reported in the shape of ARSC's
/// fixed tasks (<see cref="ArscResult"/>), one task per episode.
/// </summary>
public static class FewJointEvaluator
{
    /// <summary>Scores <paramref name="learner"/> on <paramref name="episodes"/> (the protocol: every shipped test episode).</summary>
    /// <param name="learner">The learner, adapted once per episode.</param>
    /// <param name="dataset">The loaded FewJoint dataset (its parts hold the episodes' utterances).</param>
    /// <param name="episodes">The episodes to score.</param>
    /// <param name="episodeDone">Called with each episode's result as soon as it is scored (for progress).</param>
    /// <exception cref="ArgumentException">There is no episode.</exception>
    public static ArscResult Evaluate(IFewShotLearner learner, TextDataset dataset, IEnumerable<FewJointEpisode> episodes, Action<ArscTaskResult>? episodeDone = null)
    {
        ArgumentNullException.ThrowIfNull(learner);
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(episodes);
        var results = new List<ArscTaskResult>();
        foreach (var episode in episodes)
        {
            var support = dataset.Part(episode.SupportPart);
            var queries = dataset.Part(episode.QueryPart);
            string name = $"{episode.Name} ({episode.Domain})";
            if (support.Select(e => e.Label).Distinct(StringComparer.Ordinal).Count() == 1)
            {
                // A domain with a single intent (the 5-shot test_5) leaves nothing to choose: every query carries
                // the support set's intent (the loader checks it), so any classifier scores it 100 %, as in the
                // benchmark's own scoring; the learners themselves need two labels to adapt.
                results.Add(new ArscTaskResult(name, 1.0, 1.0, queries.Count, 1, support.Count));
            }
            else
            {
                results.Add(ArscTaskResult.From(name, AllClassesEvaluator.Evaluate(learner, support, queries)));
            }
            episodeDone?.Invoke(results[^1]);
        }
        return ArscResult.Over(results, "FewJoint episode");
    }
}
