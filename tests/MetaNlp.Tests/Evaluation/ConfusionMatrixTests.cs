using MetaNlp.Evaluation;

namespace MetaNlp.Tests.Evaluation;

public class ConfusionMatrixTests
{
    [Fact]
    public void ScoresMatchACaseWorkedByHand()
    {
        // a: 1 of 2 right, predicted twice; b: 2 of 2, predicted 3 times; c: 1 of 2, predicted once; d: never seen.
        var m = new ConfusionMatrix(["a", "b", "c", "d"]);
        foreach (var (truth, predicted) in new[] { ("a", "a"), ("a", "b"), ("b", "b"), ("b", "b"), ("c", "a"), ("c", "c") }) m.Add(truth, predicted);
        var s = m.PerClass();
        Assert.Equal(0.5, s[0].Precision, 12);
        Assert.Equal(0.5, s[0].Recall, 12);
        Assert.Equal(0.5, s[0].F1, 12);
        Assert.Equal(2.0 / 3, s[1].Precision, 12);
        Assert.Equal(1.0, s[1].Recall, 12);
        Assert.Equal(0.8, s[1].F1, 12);
        Assert.Equal(1.0, s[2].Precision, 12);
        Assert.Equal(0.5, s[2].Recall, 12);
        Assert.Equal(2.0 / 3, s[2].F1, 12);
        Assert.Equal(0, s[3].Support);
        Assert.Equal(4.0 / 6, m.Accuracy, 12);
        Assert.Equal((0.5 + 1 + 0.5) / 3, m.MacroRecall, 12); // d has no queries, so it is not averaged
        Assert.Equal((0.5 + 0.8 + 2.0 / 3) / 3, m.MacroF1, 12);
        Assert.Equal(1, m["c", "a"]);
        Assert.Equal([1, 1, 0, 0], m.Rows()[0]);
        Assert.Contains("'e'", Assert.Throws<ArgumentException>(() => m.Add("e", "a")).Message);
        Assert.Throws<ArgumentException>(() => new ConfusionMatrix(["a", "a"]));
    }
}
