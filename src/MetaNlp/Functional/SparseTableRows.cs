using TorchSharp;
using static TorchSharp.torch;
using static MetaNlp.Workarounds.Scalars;

namespace MetaNlp.Functional;

/// <summary>
/// Row-sparse gradients of a word-embedding table for one training step. While it is attached to an encoder
/// (<see cref="Encoders.TextEncoder.SparseTable"/>), every lookup into the table goes through <see cref="Gather"/>:
/// the rows it reads are copied, detached from the table, into a new leaf tensor that requires a gradient, so the
/// backward pass writes gradients for those rows only instead of a dense [vocabulary, dim] gradient (an 18,040 x 300
/// table is 21.6 MB to zero, fill and read per step, and a dense Adam over it costs as much again). After the
/// backward pass, <see cref="Gradient"/> sums the gradients of each row over its reads: the same values as the dense
/// gradient's rows, which are exactly zero everywhere else. The table's own <c>grad</c> stays unset; an optimizer that
/// knows row gradients (<c>Workarounds.IRowSparseOptimizer</c>) updates the rows. Gathering is twice differentiable
/// (index_select), so second-order learners differentiate through the leaf as through the table.
/// </summary>
public sealed class SparseTableRows : IDisposable
{
    private readonly Tensor _table;
    private readonly List<(Tensor Indices, Tensor Rows)> _reads = [];

    /// <summary>Rows of <paramref name="table"/> (a 2-D floating-point weight, normally a module's parameter).</summary>
    /// <exception cref="ArgumentException">The table is not a 2-D floating-point tensor.</exception>
    public SparseTableRows(Tensor table)
    {
        ArgumentNullException.ThrowIfNull(table);
        if (table.dim() != 2 || !table.is_floating_point())
            throw new ArgumentException($"A word-embedding table is a 2-D floating-point tensor; this one is {table.dtype} [{string.Join(", ", table.shape)}].", nameof(table));
        _table = table;
    }

    /// <summary>The table whose rows are gathered.</summary>
    public Tensor Table => _table;

    /// <summary>Whether <paramref name="weight"/> is this table itself (the same native tensor), so its reads should be gathered.</summary>
    public bool Reads(Tensor weight) => weight is not null && weight.Handle == _table.Handle;

    /// <summary>
    /// The rows at <paramref name="indices"/> (1-D int64): [n, dim], a new leaf that requires a gradient. It and its
    /// indices live until <see cref="Clear"/> or <see cref="Dispose"/>, whatever dispose scope the caller is in (a
    /// learner's own scope may end before the trainer reads the gradients).
    /// </summary>
    public Tensor Gather(Tensor indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        if (indices.dim() != 1) throw new ArgumentException($"Row indices are 1-D; these are [{string.Join(", ", indices.shape)}].", nameof(indices));
        using var scope = NewDisposeScope();
        var ids = indices.detach().DetachFromDisposeScope();
        var rows = _table.detach().index_select(0, indices).requires_grad_(true).DetachFromDisposeScope();
        _reads.Add((ids, rows));
        return rows;
    }

    /// <summary>Reads gathered since the last <see cref="Clear"/>.</summary>
    public int ReadCount => _reads.Count;

    /// <summary>
    /// After the backward pass: the distinct rows that received a gradient (sorted, int64) and the gradient of each
    /// [rows, dim], summed over its reads; null when no read got a gradient. The tensors belong to the caller's
    /// dispose scope.
    /// </summary>
    public (Tensor Indices, Tensor Values)? Gradient()
    {
        var indices = new List<Tensor>();
        var values = new List<Tensor>();
        foreach (var (ids, rows) in _reads)
        {
            var grad = rows.grad;
            if (grad is null || grad.IsInvalid) continue;
            indices.Add(ids);
            values.Add(grad);
        }
        if (indices.Count == 0) return null;
        return SumRows(indices, values);
    }

    /// <summary>
    /// Row gradients given in parts (row indices, 1-D int64, may repeat within and across parts; values [n, dim] per
    /// part) as distinct sorted rows with each row's values summed: how the reads of one step combine, and how the
    /// row gradients of tasks computed in several processes combine. The tensors belong to the caller's dispose scope.
    /// </summary>
    /// <exception cref="ArgumentException">No part, or parts of different counts.</exception>
    public static (Tensor Indices, Tensor Values) SumRows(IReadOnlyList<Tensor> indices, IReadOnlyList<Tensor> values)
    {
        ArgumentNullException.ThrowIfNull(indices);
        ArgumentNullException.ThrowIfNull(values);
        if (indices.Count == 0 || indices.Count != values.Count)
            throw new ArgumentException($"Row gradients come as pairs of indices and values; got {indices.Count} indices and {values.Count} values.", nameof(indices));
        using var scope = NewDisposeScope();
        var all = indices.Count == 1 ? indices[0] : cat(indices.ToList(), 0);
        var (unique, inverse, _) = all.unique(sorted: true, return_inverse: true);
        var stacked = values.Count == 1 ? values[0] : cat(values.ToList(), 0);
        var summed = zeros(unique.shape[0], stacked.shape[1], dtype: stacked.dtype, device: stacked.device).index_add_(0, inverse!, stacked, One);
        return (unique.MoveToOuterDisposeScope(), summed.MoveToOuterDisposeScope());
    }

    /// <summary>Forgets the reads (and frees their tensors) for the next step.</summary>
    public void Clear()
    {
        foreach (var (ids, rows) in _reads)
        {
            ids.Dispose();
            rows.Dispose();
        }
        _reads.Clear();
    }

    /// <inheritdoc />
    public void Dispose() => Clear();
}
