using MetaNlp.Functional;
using TorchSharp;
using static TorchSharp.torch;

namespace MetaNlp.Generation;

/// <summary>
/// Adaptation to a held-out task: plain fine-tuning steps (SGD or Adam, first order, through
/// <see cref="GradientUpdate"/>) on the task's support pairs, starting from a copy of the given weights, which are
/// never changed. This is the learner's inner loop run for more steps and on mini-batches; the scratch and transfer
/// baselines go through the same call from other start weights.
/// </summary>
public static class GenerationAdapter
{
    /// <summary>
    /// The adapted weights (new tensors, leaves that require gradients, owned by the caller's dispose scope) after
    /// <see cref="GenerationAdaptationOptions.Steps"/> steps on <paramref name="support"/>.
    /// </summary>
    /// <exception cref="ArgumentException">There is no support pair.</exception>
    public static ParameterSet Adapt(Seq2SeqTransformer transformer, ParameterSet start, IReadOnlyList<EncodedPair> support, GenerationAdaptationOptions options)
    {
        ArgumentNullException.ThrowIfNull(transformer);
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(support);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (support.Count == 0) throw new ArgumentException("adaptation needs at least one support pair.", nameof(support));
        ParameterSet copy;
        using (no_grad())
            copy = start.Select((_, w) => w.detach().clone().requires_grad_());
        var order = Batches(support.Count, options.BatchSize, options.Steps, new Random(options.Seed));
        var step = 0;
        var device = copy[0].Value.device;
        Tensor Loss(ParameterSet w)
        {
            var batch = order[step++];
            var (input, output) = SequenceBatch.TeacherForcing([.. batch.Select(i => support[i].Target)], options.MaxTargetLength, device);
            return transformer.Loss(w, SequenceBatch.Pad([.. batch.Select(i => support[i].Source)], device), input, output, options.LabelSmoothing);
        }
        using DifferentiableOptimizer optimizer = options.Optimizer == "adam" ? new DifferentiableAdam(options.LearningRate) : new DifferentiableSgd(options.LearningRate);
        var adapted = GradientUpdate.Descend(copy, Loss, optimizer, options.Steps, createGraph: false);
        // The returned tensors are cut from the steps' graphs (first order), so holding them keeps nothing else alive.
        using (no_grad())
            return adapted.Select((_, w) => w.detach().requires_grad_());
    }

    /// <summary>Mean teacher-forced loss of <paramref name="weights"/> on <paramref name="pairs"/> (no gradient), in batches of at most 64.</summary>
    public static double Loss(Seq2SeqTransformer transformer, ParameterSet weights, IReadOnlyList<EncodedPair> pairs, double labelSmoothing = 0.0, int maxTargetLength = 64)
    {
        ArgumentNullException.ThrowIfNull(transformer);
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(pairs);
        if (pairs.Count == 0) throw new ArgumentException("no pairs to score.", nameof(pairs));
        double sum = 0;
        var device = weights[0].Value.device;
        for (var start = 0; start < pairs.Count; start += 64)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var part = pairs.Skip(start).Take(64).ToList();
            var (input, output) = SequenceBatch.TeacherForcing([.. part.Select(p => p.Target)], maxTargetLength, device);
            // Weighted by pairs, so the mean does not depend on how the pairs fall into batches.
            sum += transformer.Loss(weights, SequenceBatch.Pad([.. part.Select(p => p.Source)], device), input, output, labelSmoothing).ToDouble() * part.Count;
        }
        return sum / pairs.Count;
    }

    // The support indices of each step: shuffled passes over the support, cut into batches (a pass's last batch may be short).
    private static List<int[]> Batches(int count, int batchSize, int steps, Random random)
    {
        var batches = new List<int[]>(steps);
        var size = Math.Min(batchSize, count);
        while (batches.Count < steps)
        {
            var pass = Enumerable.Range(0, count).ToArray();
            random.Shuffle(pass);
            for (var i = 0; i < count && batches.Count < steps; i += size) batches.Add(pass[i..Math.Min(count, i + size)]);
        }
        return batches;
    }
}
