using TorchSharp;
using static TorchSharp.torch;

namespace MetaNlp.Functional;

/// <summary>Plain gradient descent: w - lr * g (MAML's inner loop).</summary>
public sealed class DifferentiableSgd : DifferentiableOptimizer
{
    private readonly Scalar _rate;

    /// <summary>Creates the rule with learning rate <paramref name="learningRate"/>.</summary>
    public DifferentiableSgd(double learningRate)
    {
        if (!(learningRate > 0)) throw new ArgumentOutOfRangeException(nameof(learningRate), $"The inner learning rate must be positive (got {learningRate}).");
        LearningRate = learningRate;
        _rate = learningRate.ToScalar();
    }

    /// <summary>The learning rate.</summary>
    public double LearningRate { get; }

    /// <inheritdoc />
    protected override Tensor Update(int index, string name, Tensor weight, Tensor gradient) => weight.sub(gradient.mul(_rate));

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing) _rate.Dispose();
    }
}
