using MetaNlp.Algorithms;
using MetaNlp.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace MetaNlp.Tests.Algorithms;

/// <summary>R2-D2's closed-form ridge head against a case worked by hand, the primal form and finite differences, and the learner on fixed vectors.</summary>
public class DifferentiableRidgeTests
{
    [Fact]
    public void TheClassVectorsAreTheRidgeSolutionWorkedByHand()
    {
        using var scope = NewDisposeScope();
        using var head = new RidgeHead(penalty: 1, scale: 10);
        var support = tensor(new[] { 1f, 0f, 1f, 1f }, [2, 2]);
        // XXᵀ + I = [[2, 1], [1, 3]], its inverse [[3, -1], [-1, 2]] / 5 (times Y = I); class c's vector is row c of that
        // times X: (3 (1, 0) - (1, 1)) / 5 = (0.4, -0.2) and (-(1, 0) + 2 (1, 1)) / 5 = (0.2, 0.4).
        var classes = head.ClassVectors(support, tensor(new[] { 0L, 1L }), 2);
        Assert.Equal(new[] { 0.4f, -0.2f, 0.2f, 0.4f }, classes.data<float>().ToArray(), (a, b) => Math.Abs(a - b) < 1e-6);
        // Logits of q = (1, 0): 10 (0.4, 0.2).
        Assert.Equal(new[] { 4f, 2f }, head.Logits(tensor(new[] { 1f, 0f }, [1, 2]), classes).data<float>().ToArray(), (a, b) => Math.Abs(a - b) < 1e-5);
    }

    [Fact]
    public void TheDualSolutionEqualsThePrimalOne()
    {
        using var scope = NewDisposeScope();
        using var head = new RidgeHead(penalty: 0.7, scale: 3);
        head.to(ScalarType.Float64);
        var generator = new Generator(12);
        var support = randn([7, 5], dtype: ScalarType.Float64, generator: generator);
        var labels = tensor(new[] { 0L, 1L, 2L, 0L, 1L, 2L, 2L });
        var dual = head.ClassVectors(support, labels, 3);
        // Primal: W = (XᵀX + λI)⁻¹ XᵀY, d x d instead of s x s (the push-through identity makes them equal).
        var targets = nn.functional.one_hot(labels, 3).to(ScalarType.Float64);
        var penalty = tensor(head.Penalty, ScalarType.Float64);
        var primal = linalg.solve(support.t().matmul(support) + eye(5, dtype: ScalarType.Float64) * penalty, support.t().matmul(targets));
        Assert.True(dual.allclose(primal.t(), rtol: 0, atol: 1e-10), $"dual {string.Join(", ", dual.data<double>().ToArray())}, primal {string.Join(", ", primal.t().contiguous().data<double>().ToArray())}");
        Assert.Equal(0.7, head.Penalty, 6);
        Assert.Equal(3, head.Scale, 6);
    }

    [Fact]
    public void GradientsThroughTheSolveMatchFiniteDifferences()
    {
        using var scope = NewDisposeScope();
        using var head = new RidgeHead(penalty: 0.5, scale: 4);
        head.to(ScalarType.Float64);
        var generator = new Generator(3);
        var support = randn([6, 4], dtype: ScalarType.Float64, generator: generator).requires_grad_();
        var queries = randn([5, 4], dtype: ScalarType.Float64, generator: generator);
        var labels = tensor(new[] { 0L, 1L, 2L, 0L, 1L, 2L });
        var queryLabels = tensor(new[] { 2L, 1L, 0L, 0L, 1L });
        Tensor Loss() => nn.functional.cross_entropy(head.Logits(queries, head.ClassVectors(support, labels, 3)), queryLabels);

        var weights = head.parameters().Append(support).ToArray();
        var analytic = autograd.grad([Loss()], weights).Select(g => g.detach().clone()).ToArray();
        const double step = 1e-6;
        for (int w = 0; w < weights.Length; w++)
        {
            var flat = weights[w].detach().view(-1);
            for (long i = 0; i < flat.shape[0]; i++)
            {
                double start = flat[i].item<double>();
                using var noGrad = no_grad();
                flat[i] = tensor(start + step, ScalarType.Float64);
                double up = Loss().item<double>();
                flat[i] = tensor(start - step, ScalarType.Float64);
                double down = Loss().item<double>();
                flat[i] = tensor(start, ScalarType.Float64);
                double numeric = (up - down) / (2 * step);
                Assert.True(Math.Abs(numeric - analytic[w].view(-1)[i].item<double>()) < 1e-6,
                    $"weight {w}, element {i}: finite difference {numeric}, autograd {analytic[w].view(-1)[i].item<double>()}");
            }
        }
        Assert.All(analytic.Take(2), g => Assert.NotEqual(0, g.item<double>())); // the penalty and the scale are meta-learned
    }

    [Fact]
    public void TheLearnerScoresQueriesByTheRidgeSolutionOverUnitVectors()
    {
        var vectors = new Dictionary<string, (double X, double Y)> { ["a"] = (2, 0), ["b"] = (0.8, 0.6), ["c"] = (0, 3), ["q"] = (0.6, 0.8) };
        var learner = new DifferentiableRidge(HandWorkedLearnerTests.Embedder(vectors), new RidgeOptions { Penalty = 0.5, Scale = 5 });
        TextExample[] support = [new("a", "x"), new("b", "x"), new("c", "y")];
        using var classifier = learner.Adapt(support);
        var prediction = classifier.Predict(["q"])[0];

        using var scope = NewDisposeScope();
        // The same solution by the primal form over the vectors scaled to unit length: a (1, 0), b (0.8, 0.6), c (0, 1).
        var x = tensor(new[] { 1.0, 0, 0.8, 0.6, 0, 1 }, [3, 2]);
        var y = tensor(new[] { 1.0, 0, 1, 0, 0, 1 }, [3, 2]);
        var w = linalg.solve(x.t().matmul(x) + eye(2, dtype: ScalarType.Float64) * tensor(learner.Head.Penalty), x.t().matmul(y));
        var expected = nn.functional.softmax(tensor(new[] { 0.6, 0.8 }, [1, 2]).matmul(w) * tensor(learner.Head.Scale), 1).data<double>().ToArray();
        Assert.Equal(expected, prediction.Probabilities.ToArray(), (a, b) => Math.Abs(a - b) < 1e-5);
        Assert.Equal(expected[0] > expected[1] ? "x" : "y", prediction.Label);
        Assert.Equal("x", classifier.Predict(["a"])[0].Label);
        Assert.Equal("y", classifier.Predict(["c"])[0].Label);
    }
}
