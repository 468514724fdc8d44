using MetaNlp.Functional;
using MetaNlp.Interop;
using MetaNlp.Workarounds;
using TorchSharp;
using static TorchSharp.torch;

namespace MetaNlp.Generation;

/// <summary>
/// Adam as the outer (meta) update of <see cref="GenerationMetaTrainer.Step"/> (learn2learn's examples meta-train with
/// an outer Adam): <c>torch.optim.Adam</c>'s rule with its defaults (β₁ 0.9, β₂ 0.999, ε 1e-8, bias-corrected, no
/// weight decay) applied to the step's mean meta-gradient (for Reptile, to minus the mean move towards the adapted
/// weights). The moments live here, one pair per weight; <see cref="GenerationRun"/> saves them in the run's file
/// under <see cref="MomentPrefix"/> and <see cref="VariancePrefix"/> so that a resumed run continues exactly.
/// </summary>
public sealed class GenerationOuterAdam : IDisposable
{
    /// <summary>The name prefix of the first moments in a saved run (followed by the weight's name).</summary>
    public const string MomentPrefix = "outer.adam.m.";

    /// <summary>The name prefix of the second moments in a saved run (followed by the weight's name).</summary>
    public const string VariancePrefix = "outer.adam.v.";

    private const double Beta1 = 0.9, Beta2 = 0.999, Epsilon = 1e-8;
    private static readonly Scalar Beta1Scalar = Beta1.ToScalar(), OneMinusBeta1 = (1 - Beta1).ToScalar();
    private static readonly Scalar Beta2Scalar = Beta2.ToScalar(), OneMinusBeta2 = (1 - Beta2).ToScalar();
    private readonly string[] _names;
    private readonly Tensor[] _moments;
    private readonly Tensor[] _variances;

    /// <summary>Fresh (zero) moments for <paramref name="weights"/>, before the first step.</summary>
    public GenerationOuterAdam(ParameterSet weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        _names = [.. weights.Names];
        using var noGrad = no_grad();
        _moments = [.. weights.Tensors.Select(w => zeros_like(w))];
        _variances = [.. weights.Tensors.Select(w => zeros_like(w))];
    }

    private GenerationOuterAdam(string[] names, Tensor[] moments, Tensor[] variances, int stepCount)
    {
        _names = names;
        _moments = moments;
        _variances = variances;
        StepCount = stepCount;
    }

    /// <summary>Updates applied so far (the bias corrections' exponent of the next one is this plus one).</summary>
    public int StepCount { get; private set; }

    /// <summary>
    /// The moments saved in <paramref name="path"/> for <paramref name="weights"/>, after <paramref name="stepCount"/>
    /// updates (a saved run's <see cref="GenerationRunState.StepsDone"/>).
    /// </summary>
    /// <exception cref="InvalidDataException">A weight's moment is missing or misshapen (the message names the file and the weight).</exception>
    public static GenerationOuterAdam Read(string path, ParameterSet weights, int stepCount)
    {
        ArgumentNullException.ThrowIfNull(weights);
        using var file = SafetensorsFile.Open(path);
        Tensor Moment(string prefix, string name, Tensor weight)
        {
            if (!file.Contains(prefix + name))
                throw new InvalidDataException($"'{path}': the run uses the outer Adam, but the file holds no '{prefix + name}' (saved by another version, or with --outer-optimizer sgd?).");
            var value = file.Read(prefix + name);
            if (!value.shape.SequenceEqual(weight.shape))
                throw new InvalidDataException($"'{path}': '{prefix + name}' is [{string.Join(", ", value.shape)}], the weight is [{string.Join(", ", weight.shape)}].");
            return value.dtype == weight.dtype ? value : value.to_type(weight.dtype);
        }
        var names = weights.Names.ToArray();
        var moments = weights.Select(p => Moment(MomentPrefix, p.Key, p.Value)).ToArray();
        var variances = weights.Select(p => Moment(VariancePrefix, p.Key, p.Value)).ToArray();
        return new GenerationOuterAdam(names, moments, variances, stepCount);
    }

    /// <summary>The moments as named tensors, to be saved beside the weights.</summary>
    public IEnumerable<KeyValuePair<string, Tensor>> State =>
        _names.Select((n, i) => new KeyValuePair<string, Tensor>(MomentPrefix + n, _moments[i]))
            .Concat(_names.Select((n, i) => new KeyValuePair<string, Tensor>(VariancePrefix + n, _variances[i])));

    /// <summary>
    /// One Adam step in place: <paramref name="weights"/>[k] moves by −rate · m̂ / (√v̂ + ε) for
    /// <paramref name="gradients"/>[k] (a weight the step did not reach has a zero gradient: its moments still decay,
    /// and one step count serves every weight).
    /// </summary>
    /// <exception cref="ArgumentException">The weights are not the ones the moments were made for.</exception>
    public void Update(ParameterSet weights, IReadOnlyList<Tensor> gradients, double rate)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(gradients);
        if (!weights.Names.SequenceEqual(_names, StringComparer.Ordinal) || gradients.Count != _names.Length)
            throw new ArgumentException("the outer Adam's moments were made for other weights.", nameof(weights));
        StepCount++;
        double correction1 = 1 - Math.Pow(Beta1, StepCount), correction2 = 1 - Math.Pow(Beta2, StepCount);
        using var stepSize = (-rate / correction1).ToScalar();
        using var root2 = Math.Sqrt(correction2).ToScalar();
        using var epsilon = Epsilon.ToScalar();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        for (var k = 0; k < _names.Length; k++)
        {
            var g = gradients[k];
            _moments[k].mul_(Beta1Scalar).add_(g, OneMinusBeta1);
            _variances[k].mul_(Beta2Scalar).addcmul_(g, g, OneMinusBeta2);
            var denominator = _variances[k].sqrt().div_(root2).add_(epsilon, Scalars.One);
            weights[k].Value.addcdiv_(_moments[k], denominator, stepSize);
        }
    }

    /// <summary>Frees the moments.</summary>
    public void Dispose()
    {
        foreach (var t in _moments.Concat(_variances)) t.Dispose();
    }
}
