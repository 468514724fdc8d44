using MetaNlp.Algorithms;
using MetaNlp.Data;

namespace MetaNlp.Evaluation;

/// <summary>One FewCLUE split's result: the split (1 to 5 = train_0..4) and its test_public evaluation.</summary>
/// <param name="SplitIndex">The split, 1 to 5 (train_k with k = index - 1).</param>
/// <param name="Result">Accuracy and counts on test_public with train_k as the support set.</param>
public sealed record FewClueSplitResult(int SplitIndex, AllClassesResult Result);

/// <summary>The FewCLUE protocol's result: every split's accuracy, their mean and spread.</summary>
/// <param name="Splits">Per-split results, in split order.</param>
/// <param name="Accuracy">Mean over the splits; <see cref="AccuracySummary.StandardDeviation"/> is the population standard deviation over the splits, the "(std)" of the FewCLUE tables.</param>
public sealed record FewClueResult(IReadOnlyList<FewClueSplitResult> Splits, AccuracySummary Accuracy);

/// <summary>
/// The FewCLUE protocol (Xu et al. 2021): a method is run once per fixed split k, trained on train_k and selected on
/// dev_k, and scored by its accuracy on test_public with train_k as the support set; the benchmark reports the mean
/// and standard deviation of the five accuracies.
/// </summary>
public static class FewClueEvaluator
{
    /// <summary>
    /// Scores each split's learner on test_public and summarises them. <paramref name="learnerFor"/> gives the learner of a
    /// split (one trained on that split, or the same untrained one for all) from the split index and its loaded data.
    /// </summary>
    /// <param name="info">A FewCLUE registry entry (fewclue-eprstmt, -tnews, -iflytek, -csldcp).</param>
    /// <param name="dataDir">The data folder.</param>
    /// <param name="learnerFor">The learner of a split; it is not disposed here.</param>
    /// <param name="splits">Which splits (1 to 5); null for all five.</param>
    /// <param name="splitDone">Called after each split.</param>
    /// <exception cref="ArgumentException">The entry has no fixed support and query parts (not a FewCLUE task).</exception>
    public static FewClueResult Evaluate(DatasetInfo info, string dataDir, Func<int, LoadedDataset, IFewShotLearner> learnerFor,
        IReadOnlyList<int>? splits = null, Action<FewClueSplitResult>? splitDone = null)
    {
        ArgumentNullException.ThrowIfNull(info);
        ArgumentNullException.ThrowIfNull(learnerFor);
        splits ??= [.. Enumerable.Range(1, FewClueLoader.SplitCount)];
        if (splits.Count == 0) throw new ArgumentException("No splits to evaluate.", nameof(splits));
        var results = new List<FewClueSplitResult>();
        foreach (int index in splits)
        {
            var loaded = info.Load(dataDir, new DatasetLoadOptions { SplitIndex = index });
            if (loaded.Parts is not FixedSupportParts parts)
                throw new ArgumentException($"Dataset '{info.Name}' has no fixed support and test parts; the FewCLUE protocol needs a fewclue-* task.", nameof(info));
            var result = AllClassesEvaluator.Evaluate(learnerFor(index, loaded), loaded.Dataset.Part(parts.Support), loaded.Dataset.Part(parts.Query));
            var split = new FewClueSplitResult(index, result);
            results.Add(split);
            splitDone?.Invoke(split);
        }
        return new FewClueResult(results, Summarize(results.Select(r => r.Result.Accuracy.Mean).ToArray()));
    }

    /// <summary>Mean and population standard deviation of per-split accuracies (fractions), as FewCLUE reports them.</summary>
    public static AccuracySummary Summarize(IReadOnlyList<double> splitAccuracies) => AccuracySummary.FromValues(splitAccuracies);
}
