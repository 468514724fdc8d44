using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static MetaNlp.Functional.Scalars;

namespace MetaNlp.Training;

/// <summary>
/// TorchSharp's <see cref="Adam"/> with the same update and state layout, whose step hands LibTorch no temporary
/// Scalar. (Its saved state names this class; <c>Checkpoint</c> still resumes states saved with TorchSharp's Adam.) TorchSharp 0.107's own step converts eight numbers to Scalars per parameter per step
/// (<c>exp_avg.mul_(beta1).add_(grad, 1 - beta1)</c>, ...), and nothing keeps them alive during the native call, where
/// the finalizer can free them (see <c>Functional/Scalars.cs</c>); on a 64,000-word embedding table each such call
/// runs for milliseconds. Here every Scalar is a <c>using</c> variable of the step. AMSGrad and maximize are not offered.
/// </summary>
public sealed class ScalarSafeAdam : Adam
{
    /// <summary>Adam over <paramref name="parameters"/> with PyTorch's default betas and epsilon.</summary>
    public ScalarSafeAdam(IEnumerable<Parameter> parameters, double lr, double weightDecay) : base(parameters, lr, weight_decay: weightDecay)
    {
    }

    /// <inheritdoc />
    public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
    {
        var options = group.Options;
        if (options.amsgrad == true || options.maximize == true) throw new NotSupportedException("ScalarSafeAdam offers neither AMSGrad nor maximize.");
        double beta1 = options.beta1!.Value, beta2 = options.beta2!.Value, decay = options.weight_decay ?? 0, rate = options.LearningRate!.Value;
        using var beta1Scalar = beta1.ToScalar();
        using var oneMinusBeta1 = (1 - beta1).ToScalar();
        using var beta2Scalar = beta2.ToScalar();
        using var oneMinusBeta2 = (1 - beta2).ToScalar();
        using var epsilon = options.eps!.Value.ToScalar();
        using var decayScalar = decay.ToScalar();
        foreach (var parameter in group.Parameters)
        {
            var gradient = parameter.grad;
            if (gradient is null) continue;
            var state = (State)_state[parameter.Handle];
            state.step++;
            double biasCorrection1 = 1 - Math.Pow(beta1, state.step), biasCorrection2 = 1 - Math.Pow(beta2, state.step);
            if (decay != 0) gradient = gradient.add(parameter, decayScalar);
            state.exp_avg.mul_(beta1Scalar).add_(gradient, oneMinusBeta1);
            state.exp_avg_sq.mul_(beta2Scalar).addcmul_(gradient, gradient, oneMinusBeta2);
            using var rootCorrection2 = Math.Sqrt(biasCorrection2).ToScalar();
            using var stepSize = (-rate / biasCorrection1).ToScalar();
            var denominator = state.exp_avg_sq.sqrt().div_(rootCorrection2).add_(epsilon, One);
            parameter.addcdiv_(state.exp_avg, denominator, stepSize);
        }
    }, closure);
}
