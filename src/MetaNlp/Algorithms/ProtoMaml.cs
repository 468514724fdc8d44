using MetaNlp.Functional;
using TorchSharp;
using static TorchSharp.torch;

namespace MetaNlp.Algorithms;

/// <summary>
/// ProtoMAML (Triantafillou et al. 2020): MAML whose head starts, for each task, as the linear form of a
/// Prototypical Network: class c has weight 2 p_c and bias -|p_c|^2 (p_c the mean support embedding), so before any
/// step it scores like a ProtoNet with squared Euclidean distance. The start is in the graph of the encoder, so the
/// outer gradient reaches the encoder through it as well as through the inner steps.
/// </summary>
public sealed class ProtoMaml : GradientLearner
{
    /// <summary>Registry name.</summary>
    public const string Name = "protomaml";

    /// <summary>Name, family, options and factory, for <see cref="LearnerRegistry"/>.</summary>
    public static LearnerDescriptor Descriptor =>
        LearnerDescriptor.For<ProtoMaml, GradientLearnerOptions>(Name, LearnerFamily.Gradient, o => o.Validate(), (e, o) => new ProtoMaml(e, o));

    private static readonly Scalar Two = 2.0.ToScalar();

    /// <summary>Creates the learner.</summary>
    public ProtoMaml(TextEmbedder embedder, GradientLearnerOptions? options = null) : base(embedder, options, withHead: false)
    {
    }

    /// <inheritdoc />
    public override string Algorithm => Name;

    /// <inheritdoc />
    protected override (Tensor Weight, Tensor Bias) InitialHead(TaskData task, ParameterSet encoderWeights)
    {
        ArgumentNullException.ThrowIfNull(task);
        var prototypes = Prototypes.Compute(Encoder.Forward(task.Support, encoderWeights), task.SupportLabels, task.Ways);
        return (prototypes.mul(Two), prototypes.square().sum(dim: 1).neg());
    }

    /// <inheritdoc />
    protected override (Tensor Weight, Tensor Bias) InitialHeads(TaskBatch batch, Func<Tensor> supportFeatures)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(supportFeatures);
        var features = supportFeatures();
        var prototypes = stack(batch.Tasks.Select((task, t) => Prototypes.Compute(features[t], task.SupportLabels, task.Ways)).ToArray());
        return (prototypes.mul(Two), prototypes.square().sum(dim: 2).neg());
    }
}
