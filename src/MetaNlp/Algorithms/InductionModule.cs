using MetaNlp.Functional;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MetaNlp.Algorithms;

/// <summary>
/// Induction Network's learned parts (Geng et al. 2019): the shared transformation W_s e + b_s of support vectors
/// before dynamic routing, and the neural tensor relation layer r(c, q) = sigmoid(w . relu(c^T M_[1..h] q) + b).
/// </summary>
public sealed class InductionModule : nn.Module
{
#pragma warning disable IDE1006 // field names are the parameter names in checkpoints
    private readonly Linear transform;
    private readonly Parameter tensor_slices;
    private readonly Linear relation;
#pragma warning restore IDE1006

    /// <summary>Creates the module for vectors of size <paramref name="dim"/> and <paramref name="slices"/> tensor slices.</summary>
    public InductionModule(int dim, int slices) : base(nameof(InductionModule))
    {
        transform = nn.Linear(dim, dim);
        using var scale = (1.0 / dim).ToScalar();
        tensor_slices = new Parameter(randn(slices, dim, dim).mul(scale));
        relation = nn.Linear(slices, 1);
        RegisterComponents();
    }

    /// <summary>Transformed and squashed support vectors [.., d]: squash(W_s e + b_s).</summary>
    public Tensor Transform(Tensor support) => DynamicRouting.Squash(transform.forward(support));

    /// <summary>Relation logits [q, n] of queries [q, d] against class vectors [n, d] through the neural tensor layer.</summary>
    public Tensor Logits(Tensor queries, Tensor classes)
    {
        ArgumentNullException.ThrowIfNull(queries);
        ArgumentNullException.ThrowIfNull(classes);
        using var scope = NewDisposeScope();
        var interactions = einsum("nd,kde,qe->qnk", classes, tensor_slices, queries);   // [q, n, slices]
        return relation.forward(nn.functional.relu(interactions)).squeeze(-1).MoveToOuterDisposeScope();
    }
}
