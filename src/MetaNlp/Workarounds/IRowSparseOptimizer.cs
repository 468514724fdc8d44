using static TorchSharp.torch;

namespace MetaNlp.Workarounds;

/// <summary>
/// An outer optimizer that can take a row-sparse gradient for a 2-D weight (a word-embedding table whose rows an
/// episode read, <see cref="Functional.SparseTableRows"/>) and update only those rows, lazily: the rows a step did not
/// touch keep their values and their optimizer state bit for bit (PyTorch's <c>SparseAdam</c> semantics). A weight
/// with a dense gradient as well gets the rows added into it and the optimizer's dense step.
/// </summary>
public interface IRowSparseOptimizer
{
    /// <summary>
    /// Hands the next <c>step()</c> the gradient of <paramref name="parameter"/>'s rows <paramref name="rows"/>
    /// (1-D int64, distinct) as <paramref name="values"/> [rows, columns]; the step consumes it.
    /// </summary>
    void SetRowGradient(Tensor parameter, Tensor rows, Tensor values);
}
