using static TorchSharp.torch;

namespace MetaNlp.Functional;

/// <summary>
/// An optimizer whose step returns new weights instead of changing tensors in place, so the result stays in the
/// autograd graph of the weights it started from (higher's <c>DifferentiableOptimizer</c>; learn2learn's
/// <c>maml_update</c>). One subclass per update rule overrides <see cref="Update"/>. An instance carries the state of
/// one inner loop (Adam moments, momentum): make a new one per task.
/// </summary>
public abstract class DifferentiableOptimizer : IDisposable
{
    /// <summary>Steps taken so far (1 during the first <see cref="Update"/> call).</summary>
    public int StepCount { get; private set; }

    /// <summary>
    /// One step on <paramref name="loss"/>: every tensor of <paramref name="weights"/> is replaced by its update.
    /// With <paramref name="createGraph"/> the step is differentiable (second order); without it the gradients are
    /// constants, so an outer gradient through the result is the first-order approximation.
    /// <paramref name="retainGraph"/> keeps the loss's graph for a later backward pass through shared parts.
    /// </summary>
    public ParameterSet Step(ParameterSet weights, Tensor loss, bool createGraph, bool retainGraph = true)
    {
        ArgumentNullException.ThrowIfNull(weights);
        var grads = Gradients.Of(loss, weights, createGraph, retainGraph);
        StepCount++;
        var updated = new KeyValuePair<string, Tensor>[weights.Count];
        for (int i = 0; i < weights.Count; i++)
        {
            var (name, weight) = weights[i];
            updated[i] = new(name, grads[i] is { } g ? Update(i, name, weight, g) : weight);
        }
        return new ParameterSet(updated);
    }

    /// <summary>Tensors the rule carries from step to step (moments, velocities), so an inner loop can keep them alive.</summary>
    public virtual IEnumerable<Tensor> State => [];

    /// <summary>The new value of weight <paramref name="index"/> given its gradient (built with out-of-place ops only).</summary>
    protected abstract Tensor Update(int index, string name, Tensor weight, Tensor gradient);

    /// <summary>Frees native state (cached Scalars, moments).</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Frees native state.</summary>
    protected virtual void Dispose(bool disposing)
    {
    }
}
