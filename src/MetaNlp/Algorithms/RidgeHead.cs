using TorchSharp;
using static TorchSharp.torch;
using static MetaNlp.Workarounds.Scalars;

namespace MetaNlp.Algorithms;

/// <summary>
/// R2-D2's differentiable base learner (Bertinetto et al. 2019, "Meta-learning with differentiable closed-form
/// solvers"): a ridge regression from support vectors to one-hot labels, solved in closed form in its dual (Woodbury)
/// form, W = Xᵀ(XXᵀ + λI)⁻¹Y, whose cost grows with the support size s (an s x s solve) rather than the vector size d.
/// Two scalars are meta-learned, each in log space so that it stays positive: the penalty λ and the scale α that turns
/// the regression's outputs (near 0 and 1) into logits for the cross-entropy. R2-D2's output bias is left out: it
/// adds the same number to every class's logit, which a softmax ignores.
/// </summary>
public sealed class RidgeHead : nn.Module
{
#pragma warning disable IDE1006 // field names are the parameter names in checkpoints
    private readonly TorchSharp.Modules.Parameter log_penalty;
    private readonly TorchSharp.Modules.Parameter log_scale;
#pragma warning restore IDE1006

    /// <summary>Creates the head with its starting penalty λ and logit scale α (both above 0).</summary>
    public RidgeHead(double penalty, double scale) : base(nameof(RidgeHead))
    {
        if (!(penalty > 0) || !double.IsFinite(penalty)) throw new ArgumentOutOfRangeException(nameof(penalty), $"The ridge penalty must be above 0 and finite (got {penalty}).");
        if (!(scale > 0) || !double.IsFinite(scale)) throw new ArgumentOutOfRangeException(nameof(scale), $"The logit scale must be above 0 and finite (got {scale}).");
        log_penalty = new TorchSharp.Modules.Parameter(tensor(Math.Log(penalty), float32));
        log_scale = new TorchSharp.Modules.Parameter(tensor(Math.Log(scale), float32));
        RegisterComponents();
    }

    /// <summary>The current penalty λ.</summary>
    public double Penalty => Math.Exp(log_penalty.ToDouble());

    /// <summary>The current logit scale α.</summary>
    public double Scale => Math.Exp(log_scale.ToDouble());

    /// <summary>
    /// The ridge solution's class vectors [ways, d]: row c is the column of W = Xᵀ(XXᵀ + λI)⁻¹Y for class c, from
    /// support vectors X [s, d] and their class indices [s] (int64, 0 to <paramref name="ways"/> - 1).
    /// </summary>
    public Tensor ClassVectors(Tensor support, Tensor labels, long ways)
    {
        ArgumentNullException.ThrowIfNull(support);
        ArgumentNullException.ThrowIfNull(labels);
        using var scope = NewDisposeScope();
        var targets = nn.functional.one_hot(labels, ways).to(support.dtype);                       // Y [s, ways]
        var identity = eye(support.shape[0], dtype: support.dtype, device: support.device);
        var system = support.matmul(support.t()).add(identity * log_penalty.exp().to(support.dtype), One); // XXᵀ + λI, symmetric positive definite
        var dual = linalg.solve(system, targets);                                                  // (XXᵀ + λI)⁻¹Y [s, ways]
        return dual.t().matmul(support).MoveToOuterDisposeScope();                                // (XᵀA)ᵀ = AᵀX [ways, d]
    }

    /// <summary>Logits [q, ways] of query vectors [q, d] against <see cref="ClassVectors"/>: α · q Wᵀ.</summary>
    public Tensor Logits(Tensor queries, Tensor classVectors)
    {
        ArgumentNullException.ThrowIfNull(queries);
        ArgumentNullException.ThrowIfNull(classVectors);
        using var scope = NewDisposeScope();
        return (queries.matmul(classVectors.t()) * log_scale.exp().to(queries.dtype)).MoveToOuterDisposeScope();
    }
}
