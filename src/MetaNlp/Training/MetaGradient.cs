using MetaNlp.Algorithms;
using MetaNlp.Data;
using MetaNlp.Functional;
using MetaNlp.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace MetaNlp.Training;

/// <summary>
/// The per-task computation of a meta-training step, the one both the single-process trainer
/// (<see cref="LocalMetaGradient"/>) and a cluster's workers (<c>MetaNlp.Cluster</c>) run: for each episode, LibTorch's
/// generator is seeded from the run's seed and the episode's index (<see cref="TaskSeed"/>), the learner's loss on the
/// episode is computed and its gradient, divided by the meta-batch's size, is added to the trainable weights'
/// <c>grad</c> (and to the rows an attached <see cref="SparseTableRows"/> gathered). The gradient of a meta-batch is
/// the sum of its tasks' gradients, so the tasks can be split over processes in any way and summed back.
/// </summary>
public static class MetaGradient
{
    /// <summary>
    /// The seed of LibTorch's generator before episode <paramref name="episode"/> of a run seeded with
    /// <paramref name="runSeed"/>: a task's randomness (dropout, word dropout, a learner's sampling) depends on
    /// nothing but the run and the task, not on the tasks computed before it in the same process, so a resumed run
    /// and a run split over workers draw what the uninterrupted single-process run drew.
    /// </summary>
    public static long TaskSeed(long runSeed, long episode) => runSeed + episode;

    /// <summary>
    /// Adds to the <c>grad</c> of <paramref name="model"/>'s weights the gradient of
    /// <c>sum(loss(episode)) / divisor</c> over <paramref name="episodes"/> (indices into <paramref name="source"/>),
    /// one backward pass per task so no two tasks' graphs are held at once (one pass over all of them where the learner
    /// computes them together, <see cref="IFewShotLearner.ComputesTogether"/>). With <paramref name="table"/>, the word
    /// table's reads go through it during the passes (its rows' gradients are read with
    /// <see cref="SparseTableRows.Gradient"/> afterwards; clearing it is the caller's). The model is put in training
    /// mode. Returns the sum of the tasks' losses (not divided).
    /// </summary>
    /// <param name="model">The model whose learner's meta-parameters get the gradient.</param>
    /// <param name="source">Where the episodes come from (episode i is always the same).</param>
    /// <param name="episodes">Indices of the episodes, the tasks of this call.</param>
    /// <param name="runSeed">The run's seed (<see cref="MetaTrainerOptions.Seed"/>).</param>
    /// <param name="divisor">The meta-batch's size: each task's gradient is divided by it, so the sum over the whole meta-batch is the mean's gradient.</param>
    /// <param name="table">The word table's row gatherer, or null for dense gradients.</param>
    /// <param name="episodeLoss">The loss of episode i, drawn only after the tasks before it were computed (a sampler that
    /// learns from the model's predictions needs that); null for the learner's own <see cref="IFewShotLearner.EpisodeLoss"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="divisor"/> is not positive.</exception>
    public static double Accumulate(FewShotModel model, IEpisodeSource source, IEnumerable<long> episodes, long runSeed, int divisor, SparseTableRows? table, Func<long, Episode, Tensor>? episodeLoss = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(episodes);
        ArgumentOutOfRangeException.ThrowIfLessThan(divisor, 1);
        var learner = model.Learner;
        learner.Module.train();
        var encoder = model.Embedder.Encoder;
        using var scale = (1.0 / divisor).ToScalar();
        double total = 0;
        encoder.SparseTable = table;
        try
        {
            long[] indices = [.. episodes];
            // Drawn ahead only where the learner may batch them; a feedback sampler's episodes are drawn one at a time.
            Episode[]? sampled = episodeLoss is null && indices.Length > 1 ? [.. indices.Select(source.Sample)] : null;
            if (sampled is not null && learner.ComputesTogether(sampled))
            {
                // A task-batched learner adapts the tasks together, so they share one graph and one backward pass;
                // the generator is seeded once, from the first task.
                using var scope = NewDisposeScope();
                torch.manual_seed(TaskSeed(runSeed, indices[0]));
                var losses = learner.EpisodeLosses(sampled);
                losses.sum().mul(scale).backward();
                return losses.sum().item<float>();
            }
            for (int t = 0; t < indices.Length; t++)
            {
                using var scope = NewDisposeScope();
                torch.manual_seed(TaskSeed(runSeed, indices[t]));
                var episode = sampled?[t] ?? source.Sample(indices[t]);
                var loss = episodeLoss is null ? learner.EpisodeLoss(episode) : episodeLoss(indices[t], episode);
                loss.mul(scale).backward();
                total += loss.item<float>();
            }
        }
        finally
        {
            encoder.SparseTable = null;
        }
        return total;
    }

    /// <summary>
    /// The word table whose rows a step gathers (<see cref="SparseTableRows"/>): the encoder's, when it is trained and
    /// <paramref name="sparseEmbeddings"/> asks for row-sparse updates (<see cref="MetaTrainerOptions.SparseEmbeddings"/>), else null.
    /// Both outer optimizers the trainer makes take row gradients.
    /// </summary>
    public static SparseTableRows? SparseTableOf(FewShotModel model, bool sparseEmbeddings)
    {
        ArgumentNullException.ThrowIfNull(model);
        var encoder = model.Embedder.Encoder;
        if (!sparseEmbeddings || encoder.TokenTableName is not { } name) return null;
        var table = encoder.named_parameters().FirstOrDefault(p => p.name == name).parameter;
        return table is { requires_grad: true } ? new SparseTableRows(table) : null;
    }
}
