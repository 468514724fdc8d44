using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static MetaNlp.Workarounds.Scalars;

namespace MetaNlp.Workarounds;

/// <summary>
/// TorchSharp's plain <see cref="SGD"/> (no momentum) with the same update and state layout, whose step hands
/// LibTorch no temporary Scalar: TorchSharp 0.107's <c>parameter.add_(grad, -lr)</c> converts the rate per parameter
/// per step, and the finalizer can free that Scalar during the native call (see <see cref="ScalarSafeAdam"/>).
/// </summary>
/// <remarks>
/// A row-sparse gradient (<see cref="IRowSparseOptimizer"/>) moves only its rows; weight decay then applies to those
/// rows only, where the dense step decays every row.
/// </remarks>
public sealed class ScalarSafeSgd : SGD, IRowSparseOptimizer
{
    private readonly Dictionary<IntPtr, (Tensor Rows, Tensor Values)> _rowGradients = [];

    /// <summary>Plain SGD over <paramref name="parameters"/>.</summary>
    public ScalarSafeSgd(IEnumerable<Parameter> parameters, double lr, double weightDecay) : base(parameters, lr, weight_decay: weightDecay)
    {
    }

    /// <inheritdoc />
    public void SetRowGradient(Tensor parameter, Tensor rows, Tensor values)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(values);
        _rowGradients[parameter.Handle] = (rows, values);
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
            bool sparse = _rowGradients.Remove(parameter.Handle, out var rowGradient);
            if (sparse && gradient is null)
            {
                var rowValues = decay != 0 ? rowGradient.Values.add(parameter.index_select(0, rowGradient.Rows), decayScalar) : rowGradient.Values;
                parameter.index_add_(0, rowGradient.Rows, rowValues, stepSize);
                continue;
            }
            if (gradient is null) continue;
            if (sparse) gradient = gradient.index_add(0, rowGradient.Rows, rowGradient.Values, One); // rows read both ways
            if (decay != 0) gradient = gradient.add(parameter, decayScalar);
            parameter.add_(gradient, stepSize);
        }
        _rowGradients.Clear(); // a row gradient of a weight outside the groups is not kept for a later step
    }, closure);
}
