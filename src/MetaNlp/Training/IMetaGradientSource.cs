using MetaNlp.Data;
using MetaNlp.Functional;
using MetaNlp.Models;
using static TorchSharp.torch;

namespace MetaNlp.Training;

/// <summary>
/// Where <see cref="MetaTrainer"/> gets each step's meta-gradient: in this process (<see cref="LocalMetaGradient"/>,
/// the default) or from other processes (<c>MetaNlp.Cluster</c>'s coordinator, which sends the tasks to workers and
/// sums what they send back). The trainer keeps everything else: the outer optimizer's step, clipping, validation,
/// checkpoints and resuming.
/// </summary>
public interface IMetaGradientSource
{
    /// <summary>
    /// Leaves in the <c>grad</c> of each trainable weight of <paramref name="step"/>'s model (all unset on entry) the
    /// gradient of the mean loss over the step's episodes, as <see cref="MetaGradient.Accumulate"/> computes it, a
    /// weight that no task gave a gradient keeping its <c>grad</c> unset; returns the mean loss and the row
    /// gradient of the step's sparse word table (in the caller's dispose scope), if it has one.
    /// </summary>
    MetaStepGradient Compute(MetaStep step);
}

/// <summary>One meta-training step as the trainer asks for its gradient.</summary>
/// <param name="Model">The model, with the weights of this step (the version every task must be computed with).</param>
/// <param name="Episodes">The training episodes.</param>
/// <param name="FirstEpisode">Index of the step's first episode: the step's tasks are episodes FirstEpisode to FirstEpisode + Count - 1. It also names the weights' version within a run.</param>
/// <param name="Count">The step's tasks (the meta-batch; fewer at the end of a run).</param>
/// <param name="RunSeed">The run's seed (<see cref="MetaTrainerOptions.Seed"/>).</param>
/// <param name="SparseTable">The word table whose rows get row-sparse gradients (<see cref="MetaTrainerOptions.SparseEmbeddings"/>), or null.</param>
public sealed record MetaStep(FewShotModel Model, IEpisodeSource Episodes, long FirstEpisode, int Count, long RunSeed, SparseTableRows? SparseTable)
{
    /// <summary>The indices of the step's episodes, in order.</summary>
    public IEnumerable<long> EpisodeIndices => Enumerable.Range(0, Count).Select(b => FirstEpisode + b);
}

/// <summary>What a step's gradient computation returns besides the gradients it left in the weights.</summary>
/// <param name="MeanLoss">The mean of the tasks' losses.</param>
/// <param name="Rows">The sparse word table's gradient: distinct rows (sorted, int64) and their summed gradients [rows, dim]; null without a table or when no row was read.</param>
public readonly record struct MetaStepGradient(double MeanLoss, (Tensor Indices, Tensor Values)? Rows);

/// <summary>The single-process meta-gradient: every task of the step computed here, one after the other.</summary>
public sealed class LocalMetaGradient : IMetaGradientSource
{
    /// <summary>The one instance (it has no state).</summary>
    public static LocalMetaGradient Instance { get; } = new();

    private LocalMetaGradient()
    {
    }

    /// <inheritdoc />
    public MetaStepGradient Compute(MetaStep step)
    {
        ArgumentNullException.ThrowIfNull(step);
        try
        {
            double total = MetaGradient.Accumulate(step.Model, step.Episodes, step.EpisodeIndices, step.RunSeed, step.Count, step.SparseTable);
            return new MetaStepGradient(total / step.Count, step.SparseTable?.Gradient());
        }
        finally
        {
            step.SparseTable?.Clear();
        }
    }
}
