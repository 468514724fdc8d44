using System.Diagnostics;
using MetaNlp.Algorithms;
using MetaNlp.Data;

namespace MetaNlp.Evaluation;

/// <summary>Out-of-scope detection at a threshold on the best label's probability.</summary>
/// <param name="Threshold">Best probability under which a query is called out of scope (chosen on validation data).</param>
/// <param name="ValidationAccuracy">Joint accuracy on the validation data at that threshold (out of scope counted as one more class).</param>
/// <param name="InScopeAccuracy">Test in-scope queries given their own label and not rejected.</param>
/// <param name="OutOfScopeRecall">Test out-of-scope queries rejected.</param>
/// <param name="JointAccuracy">Test accuracy over both, out of scope counted as one more class.</param>
/// <param name="InScopeQueries">Number of in-scope test queries.</param>
/// <param name="OutOfScopeQueries">Number of out-of-scope test queries.</param>
/// <param name="Seconds">Wall time.</param>
public sealed record OutOfScopeResult(double Threshold, double ValidationAccuracy, double InScopeAccuracy, double OutOfScopeRecall, double JointAccuracy,
    int InScopeQueries, int OutOfScopeQueries, double Seconds);

/// <summary>
/// CLINC150's out-of-scope protocol for a few-shot classifier: adapt to the support set of the in-scope intents,
/// choose the probability threshold that maximises joint accuracy on validation data (in-scope plus out-of-scope
/// queries), then report in-scope accuracy and out-of-scope recall on the test data at that threshold.
/// </summary>
public static class OutOfScopeEvaluator
{
    /// <summary>
    /// Runs the protocol; the out-of-scope parts' labels are ignored (every one of their texts is out of scope).
    /// <paramref name="progress"/> is called after each batch with the queries scored so far over all four parts and their total.
    /// </summary>
    public static OutOfScopeResult Evaluate(IFewShotLearner learner, IReadOnlyList<TextExample> support,
        IReadOnlyList<TextExample> validation, IReadOnlyList<TextExample> validationOutOfScope,
        IReadOnlyList<TextExample> test, IReadOnlyList<TextExample> testOutOfScope, int batchSize = 256, Action<int, int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(learner);
        foreach (var (part, name) in new[] { (validation, nameof(validation)), (validationOutOfScope, nameof(validationOutOfScope)), (test, nameof(test)), (testOutOfScope, nameof(testOutOfScope)) })
            if (part is null || part.Count == 0) throw new ArgumentException($"The {name} set is empty.", name);
        var clock = Stopwatch.StartNew();
        bool wasTraining = learner.Module.training;
        learner.Module.eval();
        try
        {
            using var classifier = learner.Adapt(support);
            int total = validation.Count + validationOutOfScope.Count + test.Count + testOutOfScope.Count, done = 0;
            (bool Correct, double Probability)[] Scored(IReadOnlyList<TextExample> part) => Score(classifier, part, batchSize, n =>
            {
                done += n;
                progress?.Invoke(done, total);
            });
            var validationIn = Scored(validation);
            var validationOut = Scored(validationOutOfScope);
            var (threshold, validationAccuracy) = ChooseThreshold(validationIn, validationOut.Select(s => s.Probability).ToArray());
            var testIn = Scored(test);
            var testOut = Scored(testOutOfScope);
            int inRight = testIn.Count(s => s.Correct && s.Probability >= threshold);
            int outRight = testOut.Count(s => s.Probability < threshold);
            return new OutOfScopeResult(threshold, validationAccuracy, (double)inRight / testIn.Length, (double)outRight / testOut.Length,
                (double)(inRight + outRight) / (testIn.Length + testOut.Length), testIn.Length, testOut.Length, clock.Elapsed.TotalSeconds);
        }
        finally
        {
            if (wasTraining) learner.Module.train();
        }
    }

    /// <summary>
    /// The threshold with the best joint accuracy: an in-scope query counts when it is right and at or over the
    /// threshold, an out-of-scope one when it is under. Candidates are 0 and every observed probability (a
    /// threshold equal to a probability keeps that query in scope); ties go to the lowest threshold.
    /// </summary>
    public static (double Threshold, double Accuracy) ChooseThreshold(IReadOnlyList<(bool Correct, double Probability)> inScope, IReadOnlyList<double> outOfScope)
    {
        ArgumentNullException.ThrowIfNull(inScope);
        ArgumentNullException.ThrowIfNull(outOfScope);
        var candidates = inScope.Select(s => s.Probability).Concat(outOfScope).Append(0.0).Distinct().Order().ToArray();
        var rightIn = inScope.Where(s => s.Correct).Select(s => s.Probability).Order().ToArray();
        var outs = outOfScope.Order().ToArray();
        double best = -1, bestThreshold = 0;
        int total = inScope.Count + outOfScope.Count;
        foreach (double t in candidates)
        {
            int kept = rightIn.Length - LowerBound(rightIn, t);     // right and >= t
            int rejected = LowerBound(outs, t);                     // < t
            double accuracy = (double)(kept + rejected) / total;
            if (accuracy > best)
            {
                best = accuracy;
                bestThreshold = t;
            }
        }
        return (bestThreshold, best);
    }

    private static (bool Correct, double Probability)[] Score(IFewShotClassifier classifier, IReadOnlyList<TextExample> queries, int batchSize, Action<int> scored)
    {
        var scores = new List<(bool, double)>(queries.Count);
        for (int start = 0; start < queries.Count; start += batchSize)
        {
            var chunk = queries.Skip(start).Take(batchSize).ToArray();
            var predictions = classifier.Predict(chunk.Select(q => q.Text).ToArray());
            for (int i = 0; i < chunk.Length; i++) scores.Add((predictions[i].Label == chunk[i].Label, predictions[i].Probability));
            scored(chunk.Length);
        }
        return [.. scores];
    }

    // Number of values < x in an ascending array.
    private static int LowerBound(double[] sorted, double x)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) / 2;
            if (sorted[mid] < x) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }
}
