using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MetaNlp.Training;

/// <summary>
/// TorchSharp's plain <see cref="SGD"/> (no momentum) with the same update and state layout, whose step hands
/// LibTorch no temporary Scalar: TorchSharp 0.107's <c>parameter.add_(grad, -lr)</c> converts the rate per parameter
/// per step, and the finalizer can free that Scalar during the native call (see <see cref="ScalarSafeAdam"/>).
/// </summary>
public sealed class ScalarSafeSgd : SGD
{
    /// <summary>Plain SGD over <paramref name="parameters"/>.</summary>
    public ScalarSafeSgd(IEnumerable<Parameter> parameters, double lr, double weightDecay) : base(parameters, lr, weight_decay: weightDecay)
    {
    }

    /// <inheritdoc />
    public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
    {
        var options = group.Options;
        if (options.momentum is not (null or 0) || options.maximize == true) throw new NotSupportedException("ScalarSafeSgd offers neither momentum nor maximize.");
        double decay = options.weight_decay ?? 0;
        using var decayScalar = decay.ToScalar();
        using var stepSize = (-options.LearningRate!.Value).ToScalar();
        foreach (var parameter in group.Parameters)
        {
            var gradient = parameter.grad;
            if (gradient is null) continue;
            if (decay != 0) gradient = gradient.add(parameter, decayScalar);
            parameter.add_(gradient, stepSize);
        }
    }, closure);
}
