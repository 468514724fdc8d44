using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static MetaNlp.Workarounds.Scalars;

namespace MetaNlp.Workarounds;

/// <summary>
/// TorchSharp's <see cref="Adam"/> with the same update and state layout, whose step hands LibTorch no temporary
/// Scalar. (Its saved state names this class; <c>Checkpoint</c> still resumes states saved with TorchSharp's Adam.) TorchSharp 0.107's own step converts eight numbers to Scalars per parameter per step
/// (<c>exp_avg.mul_(beta1).add_(grad, 1 - beta1)</c>, ...), and nothing keeps them alive during the native call, where
/// the finalizer can free them (see <c>Workarounds/Scalars.cs</c>); on a 64,000-word embedding table each such call
/// runs for milliseconds. Here every Scalar is a <c>using</c> variable of the step. AMSGrad and maximize are not offered.
/// </summary>
/// <remarks>
/// Row-sparse gradients (<see cref="IRowSparseOptimizer"/>) take a lazy step, PyTorch's <c>SparseAdam</c>: the
/// parameter's step count advances (it gives both bias corrections), but only the given rows' moments decay and take
/// the gradient, and only those rows move; every other row and its moments stay bit for bit as they were. The update of
/// a touched row is this class's dense one (epsilon added after the second bias correction, where
/// <c>SparseAdam</c> adds it before: the same up to epsilon's scale), so a step that touches every row equals the
/// dense step. Weight decay, which <c>SparseAdam</c> does not offer, is added to the touched rows' gradients only.
/// The state layout is unchanged, so a run saved with dense steps resumes with lazy ones and back.
/// </remarks>
public sealed class ScalarSafeAdam : Adam, IRowSparseOptimizer
{
    private readonly Dictionary<IntPtr, (Tensor Rows, Tensor Values)> _rowGradients = [];

    /// <summary>Adam over <paramref name="parameters"/> with PyTorch's default betas and epsilon.</summary>
    public ScalarSafeAdam(IEnumerable<Parameter> parameters, double lr, double weightDecay) : base(parameters, lr, weight_decay: weightDecay)
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
            bool sparse = _rowGradients.Remove(parameter.Handle, out var rowGradient);
            if (gradient is null && !sparse) continue;
            var state = (State)_state[parameter.Handle];
            state.step++;
            double biasCorrection1 = 1 - Math.Pow(beta1, state.step), biasCorrection2 = 1 - Math.Pow(beta2, state.step);
            using var rootCorrection2 = Math.Sqrt(biasCorrection2).ToScalar();
            using var stepSize = (-rate / biasCorrection1).ToScalar();
            if (sparse && gradient is null)
            {
                var (rows, rowValues) = rowGradient;
                if (decay != 0) rowValues = rowValues.add(parameter.index_select(0, rows), decayScalar);
                var average = state.exp_avg.index_select(0, rows).mul_(beta1Scalar).add_(rowValues, oneMinusBeta1);
                var averageSquare = state.exp_avg_sq.index_select(0, rows).mul_(beta2Scalar).addcmul_(rowValues, rowValues, oneMinusBeta2);
                state.exp_avg.index_copy_(0, rows, average);
                state.exp_avg_sq.index_copy_(0, rows, averageSquare);
                var rowDenominator = averageSquare.sqrt().div_(rootCorrection2).add_(epsilon, One);
                parameter.index_add_(0, rows, average.div(rowDenominator).mul_(stepSize), One);
                continue;
            }
            var dense = sparse ? gradient!.index_add(0, rowGradient.Rows, rowGradient.Values, One) : gradient!; // rows read both ways
            if (decay != 0) dense = dense.add(parameter, decayScalar);
            state.exp_avg.mul_(beta1Scalar).add_(dense, oneMinusBeta1);
            state.exp_avg_sq.mul_(beta2Scalar).addcmul_(dense, dense, oneMinusBeta2);
            var denominator = state.exp_avg_sq.sqrt().div_(rootCorrection2).add_(epsilon, One);
            parameter.addcdiv_(state.exp_avg, denominator, stepSize);
        }
        _rowGradients.Clear(); // a row gradient of a weight outside the groups is not kept for a later step
    }, closure);
}
