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

    /// <summary>Checks the values and names the bad one.</summary>
    public void Validate()
    {
        if (InnerSteps < 1) throw new ArgumentException($"InnerSteps must be at least 1 (got {InnerSteps}).");
        if (TestInnerSteps < 1) throw new ArgumentException($"TestInnerSteps must be at least 1 (got {TestInnerSteps}).");
        if (!(InnerLearningRate > 0) || double.IsInfinity(InnerLearningRate)) throw new ArgumentException($"InnerLearningRate must be positive (got {InnerLearningRate}).");
    }
}
