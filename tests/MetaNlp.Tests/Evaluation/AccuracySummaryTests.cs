using MetaNlp.Evaluation;

namespace MetaNlp.Tests.Evaluation;

public class AccuracySummaryTests
{
    [Fact]
    public void ConfidenceIntervalIs196TimesPopulationStdOverRootN()
    {
        var s = AccuracySummary.FromValues([1, 0, 1, 0]);
        Assert.Equal(0.5, s.Mean, 12);
        Assert.Equal(0.5, s.StandardDeviation, 12);
        Assert.Equal(1.96 * 0.5 / 2, s.Ci95, 12);
        Assert.Equal("50.00 +- 49.00", s.ToString());
    }

    [Fact]
    public void IdenticalEpisodesHaveNoInterval()
    {
        var s = AccuracySummary.FromValues([0.4, 0.4, 0.4]);
        Assert.Equal(0.4, s.Mean, 12);
        Assert.Equal(0, s.Ci95, 12);
    }

    [Fact]
    public void WholeTestSetIntervalIsTheBinomialApproximation()
    {
        var s = AccuracySummary.FromCounts(50, 100);
        Assert.Equal(0.5, s.Mean, 12);
        Assert.Equal(1.96 * Math.Sqrt(0.25 / 100), s.Ci95, 12);
        Assert.Throws<ArgumentOutOfRangeException>(() => AccuracySummary.FromCounts(3, 2));
        Assert.Throws<ArgumentException>(() => AccuracySummary.FromValues([]));
    }

    [Fact]
    public void TheOutOfScopeThresholdMaximisesJointAccuracyWorkedByHand()
    {
        // In scope: right at 0.9 and 0.5, wrong at 0.8. Out of scope: 0.3 and 0.6. Joint accuracy over 5 queries:
        // t = 0 or 0.3: 2/5; t = 0.5: 0.9 and 0.5 kept, 0.3 rejected, 3/5; t = 0.6: 2/5; t = 0.8 or 0.9: 3/5 (tie: lowest wins).
        var (threshold, accuracy) = OutOfScopeEvaluator.ChooseThreshold([(true, 0.9), (true, 0.5), (false, 0.8)], [0.3, 0.6]);
        Assert.Equal(0.5, threshold);
        Assert.Equal(0.6, accuracy, 12);
        Assert.Equal((0.0, 1.0), OutOfScopeEvaluator.ChooseThreshold([(true, 0.4)], []));
    }
}
