namespace MetaNlp.Evaluation;

/// <summary>
/// Mean accuracy with its 95% confidence interval, 1.96 x std / sqrt(n), where std is the population standard
/// deviation of the per-episode accuracies (numpy's default, as in the published few-shot code).
/// </summary>
public sealed record AccuracySummary(double Mean, double Ci95, double StandardDeviation, int Count)
{
    /// <summary>Summarises per-episode accuracies (fractions in [0, 1]).</summary>
    public static AccuracySummary FromValues(IReadOnlyList<double> accuracies)
    {
        ArgumentNullException.ThrowIfNull(accuracies);
        if (accuracies.Count == 0) throw new ArgumentException("No accuracies to summarise.", nameof(accuracies));
        double mean = accuracies.Average();
        double variance = accuracies.Sum(a => (a - mean) * (a - mean)) / accuracies.Count;
        double std = Math.Sqrt(variance);
        return new AccuracySummary(mean, 1.96 * std / Math.Sqrt(accuracies.Count), std, accuracies.Count);
    }

    /// <summary>
    /// One accuracy over <paramref name="total"/> independent predictions (a whole test set): the interval is the
    /// normal approximation of the binomial, 1.96 x sqrt(p(1-p)/n).
    /// </summary>
    public static AccuracySummary FromCounts(int correct, int total)
    {
        if (total <= 0) throw new ArgumentOutOfRangeException(nameof(total), "No predictions to summarise.");
        if (correct < 0 || correct > total) throw new ArgumentOutOfRangeException(nameof(correct));
        double p = (double)correct / total;
        double std = Math.Sqrt(p * (1 - p));
        return new AccuracySummary(p, 1.96 * std / Math.Sqrt(total), std, total);
    }

    /// <summary>"mean +- ci" in percent with two decimals.</summary>
    public override string ToString() => $"{Mean * 100:F2} +- {Ci95 * 100:F2}";
}
