using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MetaNlp.Algorithms;

/// <summary>
/// Relation Network's learned comparison: an MLP giving one relation logit for a class vector c and a query q. Its
/// input is [c; q; |c - q|; c * q], the matching features of sentence-pair models (Mou et al. 2016; Conneau et al.
/// 2017), not Sung et al.'s plain [c; q]: sentence vectors of an untrained encoder share one large common component
/// (in a one-off probe, not kept, HuffPost class vectors of a fresh
/// CNN had mean cosine 0.97 with each other), and an MLP on [c; q] alone learned
/// nothing in 300 HuffPost episodes, while the difference and product expose the mismatch from the first step.
/// </summary>
public sealed class RelationModule : nn.Module
{
#pragma warning disable IDE1006 // field names are the parameter names in checkpoints
    private readonly Linear hidden;
    private readonly Linear output;
#pragma warning restore IDE1006

    /// <summary>Creates the module for vectors of size <paramref name="dim"/>.</summary>
    public RelationModule(int dim, int hiddenSize) : base(nameof(RelationModule))
    {
        hidden = nn.Linear(4 * dim, hiddenSize);
        output = nn.Linear(hiddenSize, 1);
        RegisterComponents();
    }

    /// <summary>Relation logits [q, n] of queries [q, d] against class vectors [n, d] (the sigmoid gives the score in [0, 1]).</summary>
    public Tensor Logits(Tensor queries, Tensor classes)
    {
        ArgumentNullException.ThrowIfNull(queries);
        ArgumentNullException.ThrowIfNull(classes);
        using var scope = NewDisposeScope();
        long q = queries.shape[0], n = classes.shape[0];
        var c = classes.unsqueeze(0).expand(q, n, -1);
        var x = queries.unsqueeze(1).expand(q, n, -1);
        var features = cat([c, x, (c - x).abs(), c * x], 2);   // [q, n, 4d]
        return output.forward(nn.functional.relu(hidden.forward(features))).squeeze(-1).MoveToOuterDisposeScope();
    }
}
