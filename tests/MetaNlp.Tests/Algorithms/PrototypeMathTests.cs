using MetaNlp.Algorithms;
using MetaNlp.Functional;
using static TorchSharp.torch;

namespace MetaNlp.Tests.Algorithms;

public class PrototypeMathTests
{
    [Fact]
    public void PrototypesAreClassMeansWorkedByHand()
    {
        using var scope = NewDisposeScope();
        var embeddings = tensor(new double[] { 0, 0, 2, 0, 0, 2, 0, 4, 3, 3 }, [5, 2]);
        var labels = tensor(new long[] { 0, 0, 1, 1, 2 });
        var prototypes = Prototypes.Compute(embeddings, labels, 3);
        Assert.Equal(new double[] { 1, 0, 0, 3, 3, 3 }, prototypes.data<double>().ToArray());
    }

    [Fact]
    public void AClassWithoutSupportIsAnError()
    {
        using var scope = NewDisposeScope();
        Assert.Throws<ArgumentException>(() => Prototypes.Compute(zeros(2, 2), tensor(new long[] { 0, 0 }), 2));
    }

    [Fact]
    public void SquaredEuclideanAndCosineScoresWorkedByHand()
    {
        using var scope = NewDisposeScope();
        var query = tensor(new double[] { 1, 1 }, [1, 2]);
        var prototypes = tensor(new double[] { 1, 0, 0, 3 }, [2, 2]);
        // |(1,1)-(1,0)|^2 = 1, |(1,1)-(0,3)|^2 = 1 + 4 = 5
        Assert.Equal(new double[] { -1, -5 }, MetricScores.Compute(MetricDistance.SquaredEuclidean, query, prototypes, 10).data<double>().ToArray());
        // cos((1,1),(1,0)) = 1/sqrt(2); cos((1,1),(0,3)) = 1/sqrt(2); scaled by 10
        var cosine = MetricScores.Compute(MetricDistance.Cosine, query, prototypes, 10).data<double>().ToArray();
        Assert.All(cosine, c => Assert.Equal(10 / Math.Sqrt(2), c, 12));
    }

    [Fact]
    public void ProtoNetLossGradientMatchesFiniteDifferences()
    {
        using var scope = NewDisposeScope();
        var generator = new Random(3);
        var values = Enumerable.Range(0, 8 * 3).Select(_ => generator.NextDouble() * 2 - 1).ToArray();
        var labels = tensor(new long[] { 0, 0, 1, 1 });
        var target = tensor(new long[] { 0, 1, 1, 0 });
        double Loss(Tensor e)
        {
            using var inner = NewDisposeScope();
            var p = Prototypes.Compute(e[..4], labels, 2);
            return nn.functional.cross_entropy(Distances.SquaredEuclidean(e[4..], p).neg(), target).item<double>();
        }
        var x = tensor(values, [8, 3]).requires_grad_();
        var loss = nn.functional.cross_entropy(Distances.SquaredEuclidean(x[4..], Prototypes.Compute(x[..4], labels, 2)).neg(), target);
        var analytic = autograd.grad([loss], [x])[0].data<double>().ToArray();
        const double h = 1e-6;
        for (int i = 0; i < values.Length; i++)
        {
            var plus = (double[])values.Clone();
            var minus = (double[])values.Clone();
            plus[i] += h;
            minus[i] -= h;
            double numeric = (Loss(tensor(plus, [8, 3])) - Loss(tensor(minus, [8, 3]))) / (2 * h);
            Assert.True(Math.Abs(numeric - analytic[i]) <= 1e-6 * Math.Max(1, Math.Abs(numeric)), $"entry {i}: analytic {analytic[i]}, numeric {numeric}");
        }
    }
}
