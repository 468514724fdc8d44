using static TorchSharp.torch;

namespace MetaNlp.Functional;

/// <summary>
/// The inner loop of gradient-based meta-learning (torchmeta's <c>gradient_update_parameters</c>, repeated): steps of
/// a differentiable optimizer on a task loss, returning adapted weights still connected to the starting ones.
/// </summary>
public static class GradientUpdate
{
    /// <summary>
    /// Runs <paramref name="steps"/> steps of <paramref name="optimizer"/> on <paramref name="loss"/> from
    /// <paramref name="weights"/>. Second order when <paramref name="createGraph"/>: every step's graph stays for the
    /// outer backward pass, so memory grows with the steps. First order otherwise: each step runs in its own dispose
    /// scope, only the new weights and the rule's state leave it, and those of the step before are freed once replaced,
    /// so memory does not grow with the steps (the trade of time-for-memory for long inner loops). Anything the loss reads that must outlive a step (features,
    /// start weights) has to be computed before the loop.
    /// </summary>
    public static ParameterSet Descend(ParameterSet weights, Func<ParameterSet, Tensor> loss, DifferentiableOptimizer optimizer, int steps, bool createGraph)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(optimizer);
        if (steps < 0) throw new ArgumentOutOfRangeException(nameof(steps), $"Inner steps must not be negative (got {steps}).");
        var current = weights;
        // The weights and rule state that earlier first-order steps made and that are still in use.
        var made = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        for (int step = 0; step < steps; step++)
        {
            if (createGraph)
            {
                current = optimizer.Step(current, loss(current), createGraph: true);
                continue;
            }
            using var scope = NewDisposeScope();
            var next = optimizer.Step(current, loss(current), createGraph: false);
            // Only what this step made leaves its scope: unchanged weights and older state belong to outer scopes already.
            var leaving = next.Tensors.Concat(optimizer.State).Where(scope.Contains).Distinct().ToList();
            foreach (var tensor in leaving) tensor.MoveToOuterDisposeScope();
            // What an earlier step made and this one replaced is freed now rather than with the caller's scope, so a
            // long first-order loop (a 100-step adaptation) holds one set of weights and state, not one per step.
            // The caller's own tensors are never freed here.
            var live = new HashSet<Tensor>(next.Tensors.Concat(optimizer.State), ReferenceEqualityComparer.Instance);
            foreach (var old in made.Where(t => !live.Contains(t)).ToList())
            {
                made.Remove(old);
                old.Dispose();
            }
            made.UnionWith(leaving);
            current = next;
        }
        return current;
    }
}
