using static TorchSharp.torch;

namespace MetaNlp.Functional;

/// <summary>
/// Meta-SGD's rule (Li et al. 2017): w - alpha (.) g with a learned rate for every coordinate of every weight. The
/// rates are tensors of the weights' shapes, themselves meta-parameters, so the outer gradient reaches them.
/// </summary>
public sealed class DifferentiableMetaSgd : DifferentiableOptimizer
{
    private readonly IReadOnlyList<Tensor> _rates;

    /// <summary>Creates the rule; <paramref name="rates"/>[i] has the shape of weight i of the sets it will step.</summary>
    public DifferentiableMetaSgd(IReadOnlyList<Tensor> rates)
    {
        _rates = rates ?? throw new ArgumentNullException(nameof(rates));
    }

    /// <inheritdoc />
    protected override Tensor Update(int index, string name, Tensor weight, Tensor gradient)
    {
        if (index >= _rates.Count) throw new ArgumentException($"No learned rate for weight {index} ('{name}'): the rule has {_rates.Count}.");
        var rate = _rates[index];
        if (!rate.shape.SequenceEqual(weight.shape))
            throw new ArgumentException($"The learned rate of '{name}' has shape [{string.Join(", ", rate.shape)}], the weight [{string.Join(", ", weight.shape)}].");
        return weight.sub(rate.mul(gradient));
    }
}
