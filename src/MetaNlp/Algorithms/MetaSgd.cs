using MetaNlp.Functional;

namespace MetaNlp.Algorithms;

/// <summary>
/// Meta-SGD (Li et al. 2017): MAML whose inner step has a learned learning rate for every coordinate of every
/// adapted weight (<see cref="InnerRates"/>, starting at <see cref="GradientLearnerOptions.InnerLearningRate"/>),
/// learned in the outer loop together with the start.
/// </summary>
public sealed class MetaSgd : GradientLearner
{
    /// <summary>Registry name.</summary>
    public const string Name = "metasgd";

    /// <summary>Name, family, options and factory, for <see cref="LearnerRegistry"/>.</summary>
    public static LearnerDescriptor Descriptor =>
        LearnerDescriptor.For<MetaSgd, GradientLearnerOptions>(Name, LearnerFamily.Gradient, o => o.Validate(), (e, o) => new MetaSgd(e, o));

    /// <summary>Creates the learner.</summary>
    public MetaSgd(TextEmbedder embedder, GradientLearnerOptions? options = null)
        : base(embedder, options, rule: CreateRates(embedder, options ?? new GradientLearnerOptions()))
    {
    }

    /// <inheritdoc />
    public override string Algorithm => Name;

    /// <summary>The learned rates.</summary>
    public InnerRates Rates => (InnerRates)Network.Rule!;

    /// <inheritdoc />
    protected override DifferentiableOptimizer CreateInnerOptimizer(TaskData task)
    {
        var rates = Rates.Rates;
        return new DifferentiableMetaSgd(AdaptedNames.Select((name, i) => Localize(name, rates[i], task)).ToArray());
    }

    /// <inheritdoc />
    protected override DifferentiableOptimizer CreateInnerOptimizer(TaskBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var rates = Rates.Rates;
        return new DifferentiableMetaSgd(AdaptedNames.Select((name, i) => LocalizeTasks(name, rates[i], batch)).ToArray());
    }

    private static InnerRates CreateRates(TextEmbedder embedder, GradientLearnerOptions options)
    {
        ArgumentNullException.ThrowIfNull(embedder);
        return new InnerRates(AdaptedShapes(embedder.Encoder, options), options.InnerLearningRate);
    }
}
