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
}
