using static TorchSharp.torch;

namespace MetaNlp.Functional;

/// <summary>
/// Gradients of a scalar loss with respect to a <see cref="ParameterSet"/>, with the checks that LibTorch would
/// otherwise turn into a process abort (an error inside <c>autograd.grad</c> is not a .NET exception; docs/TORCHSHARP.md).
/// </summary>
public static class Gradients
{
    /// <summary>
    /// d<paramref name="loss"/>/d(each tensor of <paramref name="weights"/>), in order; null for a tensor the loss does
    /// not depend on. With <paramref name="createGraph"/> the gradients are themselves differentiable (second order)
    /// and the loss's graph is kept, since LibTorch does not imply <c>retain_graph</c> from <c>create_graph</c>.
    /// <paramref name="retainGraph"/> keeps the graph even without it: needed whenever a later backward pass goes
    /// through a part of this graph again (a task's start weights or cached features that every step shares).
    /// </summary>
    public static Tensor?[] Of(Tensor loss, ParameterSet weights, bool createGraph, bool retainGraph = true)
    {
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(weights);
        if (weights.Count == 0) throw new ArgumentException("No weights to differentiate with respect to.", nameof(weights));
        if (loss.numel() != 1) throw new ArgumentException($"The loss must be a scalar; it has shape [{string.Join(", ", loss.shape)}].", nameof(loss));
        if (!loss.requires_grad) throw new InvalidOperationException("The loss does not require a gradient: it was computed without autograd (no_grad) or from constants only.");
        foreach (var (name, tensor) in weights)
        {
            if (!tensor.requires_grad) throw new InvalidOperationException($"Weight '{name}' does not require a gradient, so the loss cannot be differentiated with respect to it.");
            if (tensor.dtype != loss.dtype) throw new InvalidOperationException($"Weight '{name}' is {tensor.dtype} but the loss is {loss.dtype}.");
        }
        var grads = autograd.grad([loss], weights.Tensors.ToArray(), retain_graph: retainGraph || createGraph, create_graph: createGraph, allow_unused: true);
        var result = new Tensor?[grads.Count];
        for (int i = 0; i < grads.Count; i++) result[i] = grads[i].IsInvalid ? null : grads[i];
        return result;
    }
}
