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

    /// <summary>Creates the learner.</summary>
    public Maml(TextEmbedder embedder, GradientLearnerOptions? options = null) : base(embedder, options)
    {
    }

    /// <inheritdoc />
    public override string Algorithm => Options.FirstOrder ? FirstOrderName : Name;
}
