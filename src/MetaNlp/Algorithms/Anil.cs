namespace MetaNlp.Algorithms;

/// <summary>
/// ANIL (Raghu et al. 2020), "almost no inner loop": MAML where only the head adapts to a task; the encoder is
/// meta-learned in the outer loop only. Its features are computed once per task, so it is much cheaper than MAML.
/// </summary>
public sealed class Anil : GradientLearner
{
    /// <summary>Registry name.</summary>
    public const string Name = "anil";

    /// <summary>Name, family, options and factory, for <see cref="LearnerRegistry"/>.</summary>
    public static LearnerDescriptor Descriptor =>
        LearnerDescriptor.For<Anil, GradientLearnerOptions>(Name, LearnerFamily.Gradient, o => o.Validate(), (e, o) => new Anil(e, o));

    /// <summary>Creates the learner (whatever <see cref="GradientLearnerOptions.AdaptEncoder"/> says, the encoder stays fixed).</summary>
    public Anil(TextEmbedder embedder, GradientLearnerOptions? options = null)
        : base(embedder, (options ?? new GradientLearnerOptions()) with { AdaptEncoder = false })
    {
    }

    /// <inheritdoc />
    public override string Algorithm => Name;
}
