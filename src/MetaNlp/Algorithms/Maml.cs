namespace MetaNlp.Algorithms;

/// <summary>
/// MAML (Finn et al. 2017): the whole network adapts to each task's support set with a few gradient steps from a
/// meta-learned start; second order by default, first order (FOMAML) with <see cref="GradientLearnerOptions.FirstOrder"/>.
/// </summary>
public sealed class Maml : GradientLearner
{
    /// <summary>Registry name of second-order MAML.</summary>
    public const string Name = "maml";

    /// <summary>Registry name of first-order MAML.</summary>
    public const string FirstOrderName = "fomaml";

    /// <summary>Second-order MAML's name, family, options and factory, for <see cref="LearnerRegistry"/>.</summary>
    public static LearnerDescriptor Descriptor =>
        LearnerDescriptor.For<Maml, GradientLearnerOptions>(Name, LearnerFamily.Gradient, o => o.Validate(), (e, o) => new Maml(e, o));

    /// <summary>First-order MAML (FOMAML): the same learner, first order whatever the options say.</summary>
    public static LearnerDescriptor FirstOrderDescriptor =>
        LearnerDescriptor.For<Maml, GradientLearnerOptions>(FirstOrderName, LearnerFamily.Gradient, o => o.Validate(), (e, o) => new Maml(e, o), o => o with { FirstOrder = true });

    /// <summary>Creates the learner.</summary>
    public Maml(TextEmbedder embedder, GradientLearnerOptions? options = null) : base(embedder, options)
    {
    }

    /// <inheritdoc />
    public override string Algorithm => Options.FirstOrder ? FirstOrderName : Name;
}
