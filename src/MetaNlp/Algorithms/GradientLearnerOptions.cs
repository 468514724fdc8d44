using System.Text.Json.Serialization;

namespace MetaNlp.Algorithms;

/// <summary>The inner loop's update rule for learners that take one (MAML, ANIL, ProtoMAML, Reptile).</summary>
public enum InnerOptimizer
{
    /// <summary>Plain gradient descent.</summary>
    Sgd,

    /// <summary>Adam, differentiable (higher's DifferentiableAdam).</summary>
    Adam,
}

/// <summary>Options of the gradient-based learners (<see cref="GradientLearner"/>): the inner loop.</summary>
public sealed record GradientLearnerOptions
{
    /// <summary>Inner-loop steps on the support set during meta-training.</summary>
    public int InnerSteps { get; init; } = 5;

    /// <summary>Inner-loop steps when adapting to new classes (evaluation, prediction); often more than in training.</summary>
    public int TestInnerSteps { get; init; } = 10;

    /// <summary>Inner learning rate (Meta-SGD and the learned optimizer start their learned rates here).</summary>
    public double InnerLearningRate { get; init; } = 0.03;

    /// <summary>Inner update rule (MAML, ANIL, ProtoMAML, Reptile; Meta-SGD and the learned optimizer have their own).</summary>
    public InnerOptimizer InnerOptimizer { get; init; } = InnerOptimizer.Sgd;

    /// <summary>
    /// First-order meta-gradient: the inner gradients are treated as constants, dropping the Hessian terms. Uses far
    /// less memory and time for long inner loops; Reptile is always first order.
    /// </summary>
    public bool FirstOrder { get; init; }

    /// <summary>Adapt the encoder in the inner loop as well as the head (ANIL always adapts only the head).</summary>
    public bool AdaptEncoder { get; init; } = true;

    /// <summary>
    /// Adapt only the word-embedding rows a task uses instead of the whole table: the same result and meta-gradient,
    /// much faster. Off only to check that equivalence.
    /// </summary>
    public bool TaskLocalEmbeddings { get; init; } = true;

    /// <summary>
    /// Adapt the tasks of a meta-batch together in one task-batched inner loop (each task with its own fast weights,
    /// stacked along a leading task dimension, batched matrix products over the CNN's windows and the head) instead
    /// of one after another: the same losses and meta-gradients. Applies in training to meta-batches of tasks with the
    /// same ways, support and query sizes, with the CNN (without entity features) or the bag of embeddings when the
    /// encoder adapts, and with any encoder when only the head does; other meta-batches run one task at a time. Off by
    /// default: measured on HuffPost second-order MAML with one thread it was not faster (docs/BENCHMARKS.md), since
    /// every task's texts are padded to the longest text of the meta-batch. Written to a checkpoint only when on, so
    /// the options of models saved before it existed write back unchanged.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool BatchTasks { get; init; }

    /// <summary>Most <see cref="InnerSteps"/> and <see cref="TestInnerSteps"/>.</summary>
    public const int MaxInnerSteps = 10_000;

    /// <summary>
    /// Checks the values and names the bad one: <see cref="InnerSteps"/> and <see cref="TestInnerSteps"/> 1 to
    /// 10,000; <see cref="InnerLearningRate"/> above 0 and at most 10; <see cref="InnerOptimizer"/> a known rule.
    /// </summary>
    /// <exception cref="ArgumentException">A value is out of bounds (<see cref="ArgumentOutOfRangeException"/>) or unknown.</exception>
    public void Validate()
    {
        OptionBounds.Check(nameof(InnerSteps), InnerSteps, 1, MaxInnerSteps);
        OptionBounds.Check(nameof(TestInnerSteps), TestInnerSteps, 1, MaxInnerSteps);
        OptionBounds.CheckAbove(nameof(InnerLearningRate), InnerLearningRate, 0, 10);
        OptionBounds.Defined(nameof(InnerOptimizer), InnerOptimizer);
    }
}
