using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MetaNlp.Algorithms;

/// <summary>
/// The parameters of the learned optimizer's rule (<see cref="Functional.DifferentiableLearnedMomentum"/>): a log
/// learning rate per inner step and adapted weight, and a momentum logit per adapted weight.
/// </summary>
public sealed class LearnedUpdateRule : nn.Module
{
#pragma warning disable IDE1006 // field names are the parameter names in checkpoints
    private readonly Parameter log_rates;
    private readonly Parameter momentum_logits;
#pragma warning restore IDE1006

    /// <summary>Creates the rule for <paramref name="weights"/> adapted weights and <paramref name="steps"/> steps.</summary>
    /// <param name="weights">Adapted weights (parameter groups).</param>
    /// <param name="steps">Inner steps with their own rates.</param>
    /// <param name="initialRate">Starting learning rate of every step and group.</param>
    /// <param name="initialMomentum">Starting momentum of every group, in [0, 1).</param>
    public LearnedUpdateRule(int weights, int steps, double initialRate, double initialMomentum = 0.05) : base(nameof(LearnedUpdateRule))
    {
        if (weights < 1) throw new ArgumentOutOfRangeException(nameof(weights));
        if (steps < 1) throw new ArgumentOutOfRangeException(nameof(steps));
        if (!(initialRate > 0)) throw new ArgumentOutOfRangeException(nameof(initialRate));
        if (initialMomentum is <= 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(initialMomentum));
        using var logRate = Math.Log(initialRate).ToScalar();
        using var momentumLogit = Math.Log(initialMomentum / (1 - initialMomentum)).ToScalar();
        log_rates = new Parameter(full(steps, weights, logRate));
        momentum_logits = new Parameter(full(weights, momentumLogit));
        RegisterComponents();
    }

    /// <summary>Log learning rates [steps, weights].</summary>
    public Parameter LogRates => log_rates;

    /// <summary>Momentum logits [weights]; the momentum is their sigmoid.</summary>
    public Parameter MomentumLogits => momentum_logits;
}
