using MetaNlp.Reports;
using static TorchSharp.torch;

namespace MetaNlp.Tests.Reports;

public class PrincipalComponentsTests
{
    // Worked by hand: points c + a*u + b*v with c = (5, 5, 5), u = (1, 1, 0)/sqrt 2, v = (0, 0, 1), a = (3, -3, 0, 0)
    // and b = (0, 0, 1, -1). They are centred at c, the spread along u (18) is larger than along v (2), so the first
    // principal axis is u and the second v, and the coordinates are (a, b). Each axis's largest loading is positive
    // (u's two equal ones, the first by the tie rule; v's third), so no sign flip is left.
    [Fact]
    public void ProjectsOntoTheHandWorkedPrincipalAxesWithTheirFixedSigns()
    {
        double r = 1 / Math.Sqrt(2);
        double[] a = [3, -3, 0, 0], b = [0, 0, 1, -1];
        var rows = Enumerable.Range(0, 4).SelectMany(i => new[] { 5 + (a[i] * r), 5 + (a[i] * r), 5 + b[i] }).ToArray();
        using var points = tensor(rows, [4, 3]);
        var xy = PrincipalComponents.Project(points);
        for (int i = 0; i < 4; i++)
        {
            Assert.Equal(a[i], xy[i][0], 10);
            Assert.Equal(b[i], xy[i][1], 10);
        }

        // The same points with u's direction negated (a flipped) give the same picture: the sign rule, not the SVD, decides.
        var flipped = Enumerable.Range(0, 4).SelectMany(i => new[] { 5 - (a[i] * r), 5 - (a[i] * r), 5 + b[i] }).ToArray();
        using var mirrored = tensor(flipped, [4, 3]);
        var again = PrincipalComponents.Project(mirrored);
        for (int i = 0; i < 4; i++) Assert.Equal(-a[i], again[i][0], 10);
    }

    [Fact]
    public void AxesBeyondTheRankAreZeroAndBadInputIsRefused()
    {
        using var one = tensor(new double[] { 1, 2, 3 }, [1, 3]);
        Assert.Equal([0.0, 0.0], PrincipalComponents.Project(one)[0]);
        using var line = tensor(new double[] { 0, 1, 2 }, [3, 1]); // one feature: the second axis does not exist
        var xy = PrincipalComponents.Project(line);
        Assert.Equal([-1.0, 0.0, 1.0], xy.Select(p => Math.Round(p[0], 10)));
        Assert.All(xy, p => Assert.Equal(0, p[1]));
        using var vector = tensor(new double[] { 1, 2 });
        Assert.Throws<ArgumentException>(() => PrincipalComponents.Project(vector));
        using var nan = tensor(new[] { 1, double.NaN, 2, 3 }, [2, 2]);
        Assert.Throws<ArgumentException>(() => PrincipalComponents.Project(nan));
    }
}
