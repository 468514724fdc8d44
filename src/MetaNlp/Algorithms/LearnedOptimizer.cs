using MetaNlp.Functional;

namespace MetaNlp.Algorithms;

/// <summary>
/// A meta-learned optimizer: the inner loop is momentum SGD whose learning rate for each parameter group and each
/// step, and momentum for each group, are learned in the outer loop (<see cref="LearnedUpdateRule"/>), together with
/// the network's start. It is the per-group, per-step form of a learned optimizer (as in MAML++'s learned step sizes,
/// with momentum added): a coordinate-wise LSTM (Andrychowicz et al. 2016) would run over every coordinate of a
/// 5-million-weight encoder at every step, which a 2-core machine cannot meta-train in useful time.
/// </summary>
public sealed class LearnedOptimizer : GradientLearner
{
    /// <summary>Registry name.</summary>
    public const string Name = "learned-opt";

    /// <summary>Name, family, options and factory, for <see cref="LearnerRegistry"/>.</summary>
    public static LearnerDescriptor Descriptor =>
        LearnerDescriptor.For<LearnedOptimizer, GradientLearnerOptions>(Name, LearnerFamily.Gradient, o => o.Validate(), (e, o) => new LearnedOptimizer(e, o));

    /// <summary>Creates the learner; its rule has one learned rate per training inner step.</summary>
    public LearnedOptimizer(TextEmbedder embedder, GradientLearnerOptions? options = null)
        : base(embedder, options, rule: CreateRule(embedder, options ?? new GradientLearnerOptions()))
    {
    }

    /// <inheritdoc />
    public override string Algorithm => Name;

    /// <summary>The learned rule.</summary>
    public LearnedUpdateRule Rule => (LearnedUpdateRule)Network.Rule!;

    /// <inheritdoc />
    protected override DifferentiableOptimizer CreateInnerOptimizer(TaskData task) => new DifferentiableLearnedMomentum(Rule.LogRates, Rule.MomentumLogits);

    private static LearnedUpdateRule CreateRule(TextEmbedder embedder, GradientLearnerOptions options)
    {
        ArgumentNullException.ThrowIfNull(embedder);
        return new LearnedUpdateRule(AdaptedShapes(embedder.Encoder, options).Count, options.InnerSteps, options.InnerLearningRate);
    }
}
