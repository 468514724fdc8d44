using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MetaNlp.Algorithms;

/// <summary>Relation Network's learned comparison: an MLP on [class vector; query vector] giving one relation logit.</summary>
public sealed class RelationModule : nn.Module
{
#pragma warning disable IDE1006 // field names are the parameter names in checkpoints
    private readonly Linear hidden;
    private readonly Linear output;
#pragma warning restore IDE1006

    /// <summary>Creates the module for vectors of size <paramref name="dim"/>.</summary>
    public RelationModule(int dim, int hiddenSize) : base(nameof(RelationModule))
    {
        hidden = nn.Linear(2 * dim, hiddenSize);
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
        var pairs = cat([classes.unsqueeze(0).expand(q, n, -1), queries.unsqueeze(1).expand(q, n, -1)], 2);   // [q, n, 2d]
        return output.forward(nn.functional.relu(hidden.forward(pairs))).squeeze(-1).MoveToOuterDisposeScope();
    }
}
