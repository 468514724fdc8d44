using MetaNlp.Data;
using MetaNlp.Functional;
using MetaNlp.Workarounds;
using TorchSharp;
using static TorchSharp.torch;

namespace MetaNlp.Generation;

/// <summary>
/// Meta-training of <see cref="Seq2SeqTransformer"/> over generation tasks with MAML, first-order MAML or Reptile,
/// through the same functional core as the classifiers (<see cref="GradientUpdate"/> with
/// <see cref="DifferentiableSgd"/>): each meta-step samples tasks, adapts the weights on each task's support examples,
/// and updates the start weights in place with plain SGD (or Reptile's interpolation). Every step runs in its own
/// dispose scope, so memory does not grow with the steps. <see cref="GenerationMetaAlgorithm.MultiTask"/> runs the
/// transfer baseline through the same sampling and update: plain multi-task SGD, no inner loop.
/// </summary>
public static class GenerationMetaTrainer
{
    private static readonly Scalar MinusOne = (-1.0).ToScalar();

    /// <summary>
    /// One meta-step: updates <paramref name="weights"/> (leaves that require gradients) in place and returns the mean
    /// loss that drove the update (query loss after adaptation for MAML and FOMAML, support loss before the last
    /// inner step for Reptile, the loss on the sampled examples for multi-task training).
    /// </summary>
    /// <param name="transformer">The network.</param>
    /// <param name="weights">The start weights, updated in place.</param>
    /// <param name="tasks">The tasks to sample from.</param>
    /// <param name="options">The step's options.</param>
    /// <param name="random">The source of the task and example sample.</param>
    /// <param name="outerAdam">The outer Adam's moments, required when <see cref="GenerationMetaOptions.OuterOptimizer"/> is <c>adam</c> (updated in place).</param>
    /// <exception cref="ArgumentException">A task has fewer examples than support plus query, or the outer Adam's moments are missing.</exception>
    public static double Step(Seq2SeqTransformer transformer, ParameterSet weights, IReadOnlyList<IReadOnlyList<EncodedPair>> tasks, GenerationMetaOptions options, Random random,
        GenerationOuterAdam? outerAdam = null)
    {
        ArgumentNullException.ThrowIfNull(transformer);
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(tasks);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(random);
        options.Validate();
        var needed = options.SupportSize + (options.Algorithm == GenerationMetaAlgorithm.Reptile ? 0 : options.QuerySize);
        for (var t = 0; t < tasks.Count; t++)
            if (tasks[t].Count < needed) throw new ArgumentException($"task {t} has {tasks[t].Count} examples; a step needs {needed}.", nameof(tasks));
        if (options.OuterOptimizer == GenerationMetaOptions.Adam && outerAdam is null)
            throw new ArgumentException("the outer optimizer is Adam: pass its moments (GenerationOuterAdam).", nameof(outerAdam));

        using var scope = NewDisposeScope();
        var sums = weights.Tensors.Select(w => zeros_like(w)).ToArray();
        double lossSum = 0;
        for (var i = 0; i < options.TasksPerStep; i++)
        {
            var task = tasks[random.Next(tasks.Count)];
            var picked = EpisodeSampler.PartialShuffle(random, task.Count, needed).Select(j => task[j]).ToList();
            var support = Batch(picked.Take(options.SupportSize).ToList(), options.MaxTargetLength, weights[0].Value.device);
            Tensor SupportLoss(ParameterSet w) => transformer.Loss(w, support.Source, support.Input, support.Output, options.LabelSmoothing);
            if (options.Algorithm == GenerationMetaAlgorithm.MultiTask)
            {
                // The same examples a meta-step would read (support and query), at the current weights.
                var all = Batch(picked, options.MaxTargetLength, weights[0].Value.device);
                var loss = transformer.Loss(weights, all.Source, all.Input, all.Output, options.LabelSmoothing);
                var taskGradients = autograd.grad([loss], [.. weights.Tensors], allow_unused: true);
                lossSum += loss.ToDouble();
                using (no_grad())
                    for (var k = 0; k < sums.Length; k++)
                        if (taskGradients[k] is { } g) sums[k].add_(g.detach(), Scalars.One);
                continue;
            }
            using var sgd = new DifferentiableSgd(options.InnerLearningRate);
            if (options.Algorithm == GenerationMetaAlgorithm.Reptile)
            {
                var adapted = GradientUpdate.Descend(weights, SupportLoss, sgd, options.InnerSteps, createGraph: false);
                using (no_grad())
                {
                    lossSum += SupportLoss(weights).ToDouble();
                    for (var k = 0; k < sums.Length; k++) sums[k].add_(adapted[k].Value.detach(), Scalars.One).add_(weights[k].Value.detach(), MinusOne);
                }
                continue;
            }
            var query = Batch(picked.Skip(options.SupportSize).ToList(), options.MaxTargetLength, weights[0].Value.device);
            var second = options.Algorithm == GenerationMetaAlgorithm.Maml;
            var adaptedWeights = GradientUpdate.Descend(weights, SupportLoss, sgd, options.InnerSteps, createGraph: second);
            var queryLoss = transformer.Loss(adaptedWeights, query.Source, query.Input, query.Output, options.LabelSmoothing);
            // MAML differentiates through the inner steps to the start weights; FOMAML takes the gradient at the
            // adapted weights (which, made without a graph, are leaves of their own).
            var gradients = autograd.grad([queryLoss], second ? [.. weights.Tensors] : [.. adaptedWeights.Tensors], allow_unused: true);
            lossSum += queryLoss.ToDouble();
            using (no_grad())
                for (var k = 0; k < sums.Length; k++)
                    if (gradients[k] is { } g) sums[k].add_(g.detach(), Scalars.One);
        }
        // MAML/FOMAML/multi-task: w ← w − lr · mean gradient; Reptile: w ← w + ε · mean (adapted − w). Adam takes
        // the mean gradient, and for Reptile minus the mean move, as its gradient.
        var sign = options.Algorithm == GenerationMetaAlgorithm.Reptile ? 1.0 : -1.0;
        if (options.OuterOptimizer == GenerationMetaOptions.Adam)
        {
            using var toGradient = (-sign / options.TasksPerStep).ToScalar();
            using (no_grad())
                outerAdam!.Update(weights, [.. sums.Select(t => t.mul_(toGradient))], options.OuterLearningRate);
            return lossSum / options.TasksPerStep;
        }
        using var rate = (sign * options.OuterLearningRate / options.TasksPerStep).ToScalar();
        using (no_grad())
            for (var k = 0; k < sums.Length; k++) weights[k].Value.add_(sums[k], rate);
        return lossSum / options.TasksPerStep;
    }

    /// <summary>
    /// Mean query loss after adapting to each task's first <see cref="GenerationMetaOptions.SupportSize"/> examples,
    /// on its next <see cref="GenerationMetaOptions.QuerySize"/> (fixed examples, so steps can be compared).
    /// </summary>
    public static double AdaptedQueryLoss(Seq2SeqTransformer transformer, ParameterSet weights, IReadOnlyList<IReadOnlyList<EncodedPair>> tasks, GenerationMetaOptions options)
    {
        ArgumentNullException.ThrowIfNull(transformer);
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(tasks);
        ArgumentNullException.ThrowIfNull(options);
        double sum = 0;
        foreach (var task in tasks)
        {
            using var scope = NewDisposeScope();
            var device = weights[0].Value.device;
            var support = Batch(task.Take(options.SupportSize).ToList(), options.MaxTargetLength, device);
            var query = Batch(task.Skip(options.SupportSize).Take(options.QuerySize).ToList(), options.MaxTargetLength, device);
            using var sgd = new DifferentiableSgd(options.InnerLearningRate);
            var adapted = GradientUpdate.Descend(weights, w => transformer.Loss(w, support.Source, support.Input, support.Output, options.LabelSmoothing), sgd, options.InnerSteps, createGraph: false);
            using (no_grad())
                sum += transformer.Loss(adapted, query.Source, query.Input, query.Output, options.LabelSmoothing).ToDouble();
        }
        return sum / tasks.Count;
    }

    private static (Tensor Source, Tensor Input, Tensor Output) Batch(List<EncodedPair> pairs, int maxTargetLength, Device device)
    {
        var (input, output) = SequenceBatch.TeacherForcing([.. pairs.Select(p => p.Target)], maxTargetLength, device);
        return (SequenceBatch.Pad([.. pairs.Select(p => p.Source)], device), input, output);
    }
}
