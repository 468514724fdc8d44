namespace MetaNlp.Generation;

/// <summary>How <see cref="GenerationMetaTrainer"/> turns adapted weights into a meta-update.</summary>
public enum GenerationMetaAlgorithm
{
    /// <summary>MAML (Finn et al. 2017): the query loss's gradient through the inner steps (second order).</summary>
    Maml,

    /// <summary>First-order MAML: the query loss's gradient at the adapted weights, applied to the start weights.</summary>
    Fomaml,

    /// <summary>Reptile (Nichol et al. 2018): move the start weights towards each task's adapted weights.</summary>
    Reptile,

    /// <summary>
    /// Not meta-learning: multi-task pretraining (the transfer baseline). Each step takes the teacher-forced loss on
    /// the sampled tasks' support and query examples together at the current weights and makes one plain SGD step with
    /// the outer learning rate; there is no inner loop.
    /// </summary>
    MultiTask,
}
