using System.Diagnostics;
using MetaNlp.Algorithms;
using MetaNlp.Data;

namespace MetaNlp.Evaluation;

/// <summary>Result of a fixed support / whole test set evaluation.</summary>
/// <param name="Accuracy">Accuracy over all queries, with the binomial 95% interval.</param>
/// <param name="BalancedAccuracy">Mean of the per-class recalls (what imbalanced test sets such as ARSC need).</param>
/// <param name="Classes">Classes in the support set.</param>
/// <param name="SupportSize">Support examples.</param>
/// <param name="QuerySize">Queries classified.</param>
/// <param name="Seconds">Time for adaptation and prediction.</param>
/// <param name="Confusion">Counts of (true, predicted) class with per-class precision, recall and F1.</param>
public sealed record AllClassesResult(AccuracySummary Accuracy, double BalancedAccuracy, int Classes, int SupportSize, int QuerySize, double Seconds, ConfusionMatrix Confusion)
{
    /// <summary>Support examples per class (K), rounded: the support size over its classes.</summary>
    public int ShotsPerClass => (int)Math.Round((double)SupportSize / Classes);
}

/// <summary>
/// The "K per class, all classes" protocol (DNNC): adapt once to a fixed support set covering every class, then
/// classify the whole test set at once.
/// </summary>
public static class AllClassesEvaluator
{
    /// <summary>Adapts to <paramref name="support"/> and scores <paramref name="query"/>; every query label must be in the support set.</summary>
    /// <param name="learner">The learner to adapt.</param>
    /// <param name="support">The fixed support set, covering every class.</param>
    /// <param name="query">The queries, all classified at once in batches.</param>
    /// <param name="batchSize">Queries per prediction batch.</param>
    /// <param name="progress">Called after each batch with the queries done so far and their total.</param>
    public static AllClassesResult Evaluate(IFewShotLearner learner, IReadOnlyList<TextExample> support, IReadOnlyList<TextExample> query, int batchSize = 256, Action<int, int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(learner);
        ArgumentNullException.ThrowIfNull(support);
        ArgumentNullException.ThrowIfNull(query);
        if (query.Count == 0) throw new ArgumentException("The query set is empty.", nameof(query));
        var supportLabels = support.Select(e => e.Label).ToHashSet(StringComparer.Ordinal);
        var missing = query.Select(q => q.Label).Where(l => !supportLabels.Contains(l)).Distinct().Take(5).ToArray();
        if (missing.Length > 0) throw new ArgumentException($"Query labels without support examples: {string.Join(", ", missing)}.", nameof(query));
        bool wasTraining = learner.Module.training;
        learner.Module.eval();
        var clock = Stopwatch.StartNew();
        try
        {
            using var classifier = learner.Adapt(support);
            var confusion = new ConfusionMatrix(classifier.Labels);
            int correct = 0;
            for (int start = 0; start < query.Count; start += batchSize)
            {
                var chunk = query.Skip(start).Take(batchSize).ToArray();
                var predictions = classifier.Predict(chunk.Select(q => q.Text).ToArray());
                for (int i = 0; i < chunk.Length; i++)
                {
                    confusion.Add(chunk[i].Label, predictions[i].Label);
                    if (predictions[i].Label == chunk[i].Label) correct++;
                }
                progress?.Invoke(start + chunk.Length, query.Count);
            }
            return new AllClassesResult(AccuracySummary.FromCounts(correct, query.Count), confusion.MacroRecall, classifier.Labels.Count, support.Count, query.Count,
                clock.Elapsed.TotalSeconds, confusion);
        }
        finally
        {
            if (wasTraining) learner.Module.train();
        }
    }
}
