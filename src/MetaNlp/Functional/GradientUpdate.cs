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
    /// scope and only the new weights and the rule's state leave it, so memory does not grow with the steps (the
    /// trade of time-for-memory for long inner loops). Anything the loss reads that must outlive a step (features,
    /// start weights) has to be computed before the loop.
    /// </summary>
    public static ParameterSet Descend(ParameterSet weights, Func<ParameterSet, Tensor> loss, DifferentiableOptimizer optimizer, int steps, bool createGraph)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(optimizer);
        if (steps < 0) throw new ArgumentOutOfRangeException(nameof(steps), $"Inner steps must not be negative (got {steps}).");
        var current = weights;
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
            foreach (var tensor in next.Tensors.Concat(optimizer.State).Where(scope.Contains).Distinct()) tensor.MoveToOuterDisposeScope();
            current = next;
        }
        return current;
    }
}
