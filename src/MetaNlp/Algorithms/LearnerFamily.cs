namespace MetaNlp.Algorithms;

/// <summary>How a learner adapts to a task's support set: the split docs/ALGORITHMS.md and the CLI's help follow.</summary>
public enum LearnerFamily
{
    /// <summary>Compares embeddings (fixed metric or learned comparator); adapting is embedding the support set, no gradient steps.</summary>
    Metric,

    /// <summary>Adapts by inner-loop gradient steps on the support set; its options are <see cref="GradientLearnerOptions"/>.</summary>
    Gradient,
}
