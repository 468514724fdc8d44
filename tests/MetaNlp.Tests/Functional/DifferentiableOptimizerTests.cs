using MetaNlp.Functional;
using static TorchSharp.torch;

namespace MetaNlp.Tests.Functional;

public class DifferentiableOptimizerTests
{
    // A small non-quadratic problem in double precision: a linear softmax classifier with a tanh feature layer.
    private static readonly double[] InputValues = [0.3, -1.2, 0.8, 0.5, 1.1, -0.4, -0.7, 0.2, 0.9, -1.5, 0.6, 0.1];

    private static ParameterSet Leaves(int seed)
    {
        manual_seed(seed);
        return new ParameterSet([
            new("w1", randn(4, 3, dtype: float64).requires_grad_()),
            new("w2", randn(2, 4, dtype: float64).requires_grad_()),
        ]);
    }

    private static Tensor Loss(ParameterSet w, int rows, long[] labels)
    {
        var x = tensor(InputValues, [4, 3], dtype: float64)[..rows];
        var h = nn.functional.linear(x, w["w1"]).tanh();
        return nn.functional.cross_entropy(nn.functional.linear(h, w["w2"]), tensor(labels));
    }

    private static Tensor SupportLoss(ParameterSet w) => Loss(w, 4, [0, 1, 1, 0]);

    private static Tensor QueryLoss(ParameterSet w) => Loss(w, 3, [1, 1, 0]);

    private static double[] Flat(IEnumerable<Tensor> tensors) => tensors.SelectMany(t => t.detach().flatten().data<double>().ToArray()).ToArray();

    private static double RelativeError(double[] a, double[] b) =>
        Math.Sqrt(a.Zip(b, (x, y) => (x - y) * (x - y)).Sum()) / Math.Max(1e-12, Math.Sqrt(b.Sum(y => y * y)));

    private static double[] MetaGradient(ParameterSet theta, Func<DifferentiableOptimizer> rule, int steps, bool createGraph)
    {
        using var optimizer = rule();
        var adapted = GradientUpdate.Descend(theta, SupportLoss, optimizer, steps, createGraph);
        return Flat(autograd.grad([QueryLoss(adapted)], theta.Tensors.ToArray()));
    }

    [Fact]
    public void FirstOrderIsSecondOrderWithTheHessianTermRemoved()
    {
        using var scope = NewDisposeScope();
        const double rate = 0.4;
        var theta = Leaves(3);
        double[] second = MetaGradient(theta, () => new DifferentiableSgd(rate), 1, createGraph: true);
        double[] first = MetaGradient(theta, () => new DifferentiableSgd(rate), 1, createGraph: false);

        // By hand: phi = theta - a g_s(theta); first order = g_q(phi); second order = (I - a H_s(theta)) g_q(phi).
        var gs = autograd.grad([SupportLoss(theta)], theta.Tensors.ToArray(), retain_graph: true, create_graph: true);
        var phi = new ParameterSet(theta.Select((p, i) => new KeyValuePair<string, Tensor>(p.Key, p.Value.detach().sub(gs[i].detach().mul(rate)).requires_grad_())));
        var gq = autograd.grad([QueryLoss(phi)], phi.Tensors.ToArray());
        var dot = gs.Zip(gq, (g, q) => g.mul(q).sum()).Aggregate((a, b) => a.add(b));
        var hessianTimesGq = autograd.grad([dot], theta.Tensors.ToArray());
        double[] expectedFirst = Flat(gq);
        double[] expectedSecond = expectedFirst.Zip(Flat(hessianTimesGq), (g, h) => g - rate * h).ToArray();

        Assert.True(RelativeError(first, expectedFirst) < 1e-10, $"first order off by {RelativeError(first, expectedFirst):E2}");
        Assert.True(RelativeError(second, expectedSecond) < 1e-10, $"second order off by {RelativeError(second, expectedSecond):E2}");
        Assert.True(RelativeError(first, second) > 1e-2, $"the case must have a visible Hessian term (difference {RelativeError(first, second):E2})");
    }

    public static TheoryData<string> Rules => new() { "sgd", "adam", "metasgd", "learned-momentum" };

    private static DifferentiableOptimizer Rule(string name, ParameterSet theta, ParameterSet ruleParameters) => name switch
    {
        "sgd" => new DifferentiableSgd(0.3),
        "adam" => new DifferentiableAdam(0.05),
        "metasgd" => new DifferentiableMetaSgd(ruleParameters.Tensors.Take(theta.Count).ToArray()),
        _ => new DifferentiableLearnedMomentum(ruleParameters["log_rates"], ruleParameters["momentum_logits"]),
    };

    [Theory]
    [MemberData(nameof(Rules))]
    public void SecondOrderMetaGradientMatchesFiniteDifferences(string rule)
    {
        using var scope = NewDisposeScope();
        var theta = Leaves(7);
        manual_seed(8);
        var ruleParameters = rule switch
        {
            "metasgd" => new ParameterSet(theta.Select(p => new KeyValuePair<string, Tensor>("rate." + p.Key, rand(p.Value.shape, dtype: float64).mul(0.4).requires_grad_()))),
            "learned-momentum" => new ParameterSet([
                new("log_rates", randn(3, 2, dtype: float64).mul(0.3).sub(1.2).requires_grad_()),
                new("momentum_logits", randn(2, dtype: float64).requires_grad_()),
            ]),
            _ => new ParameterSet([]),
        };
        var all = theta.With(ruleParameters);
        double MetaLoss()
        {
            using var optimizer = Rule(rule, theta, ruleParameters);
            return QueryLoss(GradientUpdate.Descend(theta, SupportLoss, optimizer, 3, createGraph: true)).item<double>();
        }
        using var optimizer = Rule(rule, theta, ruleParameters);
        var adapted = GradientUpdate.Descend(theta, SupportLoss, optimizer, 3, createGraph: true);
        double[] analytic = Flat(autograd.grad([QueryLoss(adapted)], all.Tensors.ToArray()));

        var numeric = new List<double>();
        const double h = 1e-6;
        foreach (var tensor in all.Tensors)
        {
            for (long i = 0; i < tensor.numel(); i++)
            {
                double original = Get(tensor, i);
                Set(tensor, i, original + h);
                double plus = MetaLoss();
                Set(tensor, i, original - h);
                double minus = MetaLoss();
                Set(tensor, i, original);
                numeric.Add((plus - minus) / (2 * h));
            }
        }
        double error = RelativeError(analytic, [.. numeric]);
        Assert.True(error < 1e-4, $"{rule}: relative error {error:E2} between the meta-gradient and finite differences");
    }

    internal static double Get(Tensor tensor, long index)
    {
        using var noGrad = no_grad();
        return tensor.view(-1)[index].item<double>();
    }

    internal static void Set(Tensor tensor, long index, double value)
    {
        using var noGrad = no_grad();
        tensor.view(-1)[index] = value;
    }

    [Fact]
    public void AdamStepsMatchTorchAdamOnTheSameGradients()
    {
        using var scope = NewDisposeScope();
        var theta = Leaves(11);
        using var rule = new DifferentiableAdam(0.05);
        var adapted = GradientUpdate.Descend(theta, SupportLoss, rule, 4, createGraph: false);

        var copies = theta.Tensors.Select(t => new TorchSharp.Modules.Parameter(t.detach().clone())).ToArray();
        var reference = optim.Adam(copies, lr: 0.05);
        var names = theta.Names.ToArray();
        for (int step = 0; step < 4; step++)
        {
            reference.zero_grad();
            SupportLoss(new ParameterSet(names.Zip(copies, (n, t) => new KeyValuePair<string, Tensor>(n, t)))).backward();
            reference.step();
        }
        Assert.True(RelativeError(Flat(adapted.Tensors), Flat(copies)) < 1e-7);
    }

    [Fact]
    public void AFirstOrderLoopHoldsOneSetOfWeightsAndStateWhateverItsLength()
    {
        // Each first-order step frees what the step before made once it is replaced: the caller's scope ends a
        // 60-step loop holding as many tensors as a 6-step one (a 100-step adaptation once held 100 copies).
        long Held(int steps)
        {
            using var scope = NewDisposeScope();
            var theta = new ParameterSet([new("w", randn(4, 3).requires_grad_()), new("b", zeros(3).requires_grad_())]);
            var x = randn(5, 4);
            using var adam = new DifferentiableAdam(0.01);
            var before = scope.DisposablesCount;
            var adapted = GradientUpdate.Descend(theta, w => x.matmul(w["w"]).add(w["b"]).square().sum(), adam, steps, createGraph: false);
            Assert.True(adapted["w"].isfinite().all().item<bool>());
            return scope.DisposablesCount - before;
        }
        Assert.Equal(Held(6), Held(60));
    }

    [Fact]
    public void AnErrorBeforeAutogradIsAnExceptionNotAnAbort()
    {
        using var scope = NewDisposeScope();
        var theta = Leaves(1);
        var constant = new ParameterSet([new("c", ones(2, dtype: float64))]);
        using var sgd = new DifferentiableSgd(0.1);
        Assert.Throws<InvalidOperationException>(() => sgd.Step(constant.With(theta), SupportLoss(theta), createGraph: false));
        using (no_grad())
        {
            Assert.Throws<InvalidOperationException>(() => sgd.Step(theta, SupportLoss(theta), createGraph: false));
        }
    }
}
