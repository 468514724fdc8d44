using static TorchSharp.torch;
using static MetaNlp.Workarounds.Scalars;

namespace MetaNlp.Functional;

/// <summary>
/// The learned optimizer's rule: momentum SGD whose learning rate (per weight and per step) and momentum (per
/// weight) are meta-parameters: v = beta_i v + g, w = w - exp(logRate[step, i]) v, with beta_i = sigmoid(momentumLogit_i).
/// Steps past the last learned rate reuse it, so the inner loop can run longer at test time than in training.
/// </summary>
public sealed class DifferentiableLearnedMomentum : DifferentiableOptimizer
{
    private readonly Tensor _logRates;
    private readonly Tensor _momentumLogits;
    private readonly Dictionary<int, Tensor> _velocity = [];

    /// <summary>Creates the rule from <paramref name="logRates"/> [steps, weights] and <paramref name="momentumLogits"/> [weights].</summary>
    public DifferentiableLearnedMomentum(Tensor logRates, Tensor momentumLogits)
    {
        ArgumentNullException.ThrowIfNull(logRates);
        ArgumentNullException.ThrowIfNull(momentumLogits);
        if (logRates.dim() != 2 || momentumLogits.dim() != 1 || logRates.shape[1] != momentumLogits.shape[0])
            throw new ArgumentException($"Expected log rates [steps, weights] and momentum logits [weights]; got [{string.Join(", ", logRates.shape)}] and [{string.Join(", ", momentumLogits.shape)}].");
        _logRates = logRates;
        _momentumLogits = momentumLogits;
    }

    /// <inheritdoc />
    public override IEnumerable<Tensor> State => _velocity.Values;

    /// <inheritdoc />
    protected override Tensor Update(int index, string name, Tensor weight, Tensor gradient)
    {
        if (index >= _momentumLogits.shape[0]) throw new ArgumentException($"No learned rate for weight {index} ('{name}'): the rule has {_momentumLogits.shape[0]}.");
        long step = Math.Min(StepCount, _logRates.shape[0]) - 1;
        var velocity = _velocity.TryGetValue(index, out var previous) ? previous.mul(_momentumLogits[index].sigmoid()).add(gradient, One) : gradient;
        _velocity[index] = velocity;
        return weight.sub(velocity.mul(_logRates[step, index].exp()));
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing) _velocity.Clear(); // the velocity tensors belong to the caller's dispose scope
    }
}
