using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static MetaNlp.Workarounds.Scalars;

namespace MetaNlp.Algorithms;

/// <summary>
/// Matching Networks' full context embeddings (Vinyals et al. 2016, appendix): support vectors read the whole
/// support set through a bidirectional LSTM, g(x_i) = x_i + forward_i + backward_i; a query attends to them for K
/// steps of an LSTM, h_k = LSTM(q, h_{k-1} + r_{k-1}) + q, r_k = softmax(h_k g^T) g, and f(q) = h_K.
/// </summary>
public sealed class FullContextEmbedding : nn.Module
{
#pragma warning disable IDE1006 // field names are the parameter names in checkpoints
    private readonly LSTM support_lstm;
    private readonly LSTMCell query_cell;
#pragma warning restore IDE1006
    private readonly int _dim;
    private readonly int _steps;

    /// <summary>Creates the module for vectors of size <paramref name="dim"/> and <paramref name="steps"/> attention steps.</summary>
    public FullContextEmbedding(int dim, int steps) : base(nameof(FullContextEmbedding))
    {
        _dim = dim;
        _steps = steps;
        support_lstm = nn.LSTM(dim, dim, bidirectional: true, batchFirst: true);
        query_cell = nn.LSTMCell(dim, dim);
        RegisterComponents();
    }

    /// <summary>g: support vectors [s, d] in context.</summary>
    public Tensor EmbedSupport(Tensor support)
    {
        ArgumentNullException.ThrowIfNull(support);
        using var scope = NewDisposeScope();
        var (output, _, _) = support_lstm.forward(support.unsqueeze(0));        // [1, s, 2d]
        var both = output.squeeze(0).view(support.shape[0], 2, _dim);
        return support.add(both.sum(1), One).MoveToOuterDisposeScope();
    }

    /// <summary>f: query vectors [q, d] after attending to the contextual support vectors <paramref name="support"/> [s, d].</summary>
    public Tensor EmbedQueries(Tensor queries, Tensor support)
    {
        ArgumentNullException.ThrowIfNull(queries);
        ArgumentNullException.ThrowIfNull(support);
        using var scope = NewDisposeScope();
        var h = zeros_like(queries);
        var c = zeros_like(queries);
        var read = zeros_like(queries);
        for (int k = 0; k < _steps; k++)
        {
            (h, c) = query_cell.forward(queries, (h.add(read, One), c));
            h = h.add(queries, One);
            read = h.matmul(support.t()).softmax(1).matmul(support);
        }
        return h.MoveToOuterDisposeScope();
    }
}
