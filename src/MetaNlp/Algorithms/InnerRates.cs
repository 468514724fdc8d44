using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MetaNlp.Algorithms;

/// <summary>Meta-SGD's learned inner learning rates: one tensor per adapted weight, of its shape, all starting at one value.</summary>
public sealed class InnerRates : nn.Module
{
#pragma warning disable IDE1006 // field name is the parameter name in checkpoints
    private readonly ParameterList rates;
#pragma warning restore IDE1006

    /// <summary>Creates rates of <paramref name="shapes"/>, each coordinate <paramref name="initial"/>.</summary>
    public InnerRates(IReadOnlyList<long[]> shapes, double initial) : base(nameof(InnerRates))
    {
        ArgumentNullException.ThrowIfNull(shapes);
        rates = new ParameterList();
        using var value = initial.ToScalar();
        foreach (var shape in shapes) rates.Add(new Parameter(full(shape, value)));
        RegisterComponents();
    }

    /// <summary>The rates, in the order of the learner's adapted weights.</summary>
    public IReadOnlyList<Parameter> Rates => [.. rates];
}
