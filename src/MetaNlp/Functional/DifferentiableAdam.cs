using TorchSharp;
using static TorchSharp.torch;
using static MetaNlp.Workarounds.Scalars;

namespace MetaNlp.Functional;

/// <summary>
/// Adam (Kingma and Ba 2015) as a differentiable rule. The square root is taken of v + 1e-16 rather than v: at a
/// coordinate whose gradient is exactly zero the derivative of sqrt(v) is infinite and would turn the second-order
/// meta-gradient into NaN (higher masks those entries; the offset is the same fix, smaller than float32 noise).
/// </summary>
public sealed class DifferentiableAdam : DifferentiableOptimizer
{
    private readonly Dictionary<int, (Tensor M, Tensor V)> _moments = [];
    private readonly Scalar _beta1;
    private readonly Scalar _beta2;
    private readonly Scalar _oneMinusBeta1;
    private readonly Scalar _oneMinusBeta2;
    private readonly Scalar _epsilon;
    private readonly Scalar _tiny = 1e-16.ToScalar();

    /// <summary>Creates the rule.</summary>
    public DifferentiableAdam(double learningRate, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8)
    {
        if (!(learningRate > 0)) throw new ArgumentOutOfRangeException(nameof(learningRate), $"The inner learning rate must be positive (got {learningRate}).");
        if (beta1 is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(beta1));
        if (beta2 is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(beta2));
        LearningRate = learningRate;
        Beta1 = beta1;
        Beta2 = beta2;
        _beta1 = beta1.ToScalar();
        _beta2 = beta2.ToScalar();
        _oneMinusBeta1 = (1 - beta1).ToScalar();
        _oneMinusBeta2 = (1 - beta2).ToScalar();
        _epsilon = epsilon.ToScalar();
    }

    /// <summary>The learning rate.</summary>
    public double LearningRate { get; }

    /// <summary>Decay of the first moment.</summary>
    public double Beta1 { get; }

    /// <summary>Decay of the second moment.</summary>
    public double Beta2 { get; }

    /// <inheritdoc />
    public override IEnumerable<Tensor> State => _moments.Values.SelectMany(m => new[] { m.M, m.V });

    /// <inheritdoc />
    protected override Tensor Update(int index, string name, Tensor weight, Tensor gradient)
    {
        var m = gradient.mul(_oneMinusBeta1);
        var v = gradient.square().mul(_oneMinusBeta2);
        if (_moments.TryGetValue(index, out var previous))
        {
            m = m.add(previous.M.mul(_beta1), One);
            v = v.add(previous.V.mul(_beta2), One);
        }
        _moments[index] = (m, v);
        double correction1 = 1 - Math.Pow(Beta1, StepCount);
        double correction2 = 1 - Math.Pow(Beta2, StepCount);
        using var stepSize = (LearningRate / correction1).ToScalar();
        using var vScale = (1 / correction2).ToScalar();
        var denominator = v.mul(vScale).add(_tiny, One).sqrt().add(_epsilon, One);
        return weight.sub(m.div(denominator).mul(stepSize));
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (!disposing) return;
        foreach (var s in new[] { _beta1, _beta2, _oneMinusBeta1, _oneMinusBeta2, _epsilon, _tiny }) s.Dispose();
        _moments.Clear(); // the moment tensors belong to the caller's dispose scope
    }
}
