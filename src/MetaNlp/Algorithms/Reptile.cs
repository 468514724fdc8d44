using MetaNlp.Data;
using TorchSharp;
using static TorchSharp.torch;
using static MetaNlp.Workarounds.Scalars;

namespace MetaNlp.Algorithms;

/// <summary>
/// Reptile (Nichol et al. 2018): train on a task with plain (first-order) inner steps from the meta-parameters
/// theta to phi, then move theta toward phi. The episode "loss" is 1/2 |theta - phi|^2 with phi held constant, so
/// its gradient is exactly theta - phi and the trainer's outer step is Reptile's: with SGD at rate epsilon,
/// theta + epsilon (phi - theta) (averaged over a meta-batch). The inner loop trains on the whole episode (support
/// and query: every labelled example of the task); the head's shared row moves toward the mean of its class rows.
/// </summary>
public sealed class Reptile : GradientLearner
{
    /// <summary>Registry name.</summary>
    public const string Name = "reptile";

    /// <summary>Name, family, options and factory, for <see cref="LearnerRegistry"/>.</summary>
    public static LearnerDescriptor Descriptor =>
        LearnerDescriptor.For<Reptile, GradientLearnerOptions>(Name, LearnerFamily.Gradient, o => o.Validate(), (e, o) => new Reptile(e, o));

    private static readonly Scalar Half = 0.5.ToScalar();

    /// <summary>Creates the learner (always first order).</summary>
    /// <exception cref="ArgumentException"><see cref="GradientLearnerOptions.AdaptEncoder"/> is off: Reptile would learn nothing.</exception>
    public Reptile(TextEmbedder embedder, GradientLearnerOptions? options = null)
        : base(embedder, RequireAdaptedEncoder(options) with { FirstOrder = true })
    {
    }

    // Reptile moves the meta-parameters only toward what the inner loop adapted. With the encoder left out, only the
    // shared head row adapts, and its copies' softmax cross-entropy gradients sum to zero over the classes, so their
    // mean (the row's target) never moves under SGD: training would run and change nothing.
    private static GradientLearnerOptions RequireAdaptedEncoder(GradientLearnerOptions? options) =>
        options is { AdaptEncoder: false }
            ? throw new ArgumentException("Reptile learns only what its inner loop adapts; with AdaptEncoder off only the shared head row adapts, whose class copies' gradients sum to zero, so nothing would be learned. Leave AdaptEncoder on (or use ANIL or ProtoMAML for a head-only inner loop).", nameof(options))
            : options ?? new GradientLearnerOptions();

    /// <inheritdoc />
    public override string Algorithm => Name;

    /// <inheritdoc />
    /// <remarks>Reptile's episode loss is its own (the distance to the adapted weights), not the query loss.</remarks>
    protected override bool HasTaskBatchedInnerLoop => false;

    /// <inheritdoc />
    public override Tensor EpisodeLoss(Episode episode)
    {
        ArgumentNullException.ThrowIfNull(episode);
        using var scope = NewDisposeScope();
        var examples = episode.Support.Concat(episode.Query).Select(e => e.Text).ToArray();
        var task = Prepare(examples, [.. episode.SupportLabels, .. episode.QueryLabels], episode.Ways, null, null);
        var inner = InnerLoop(task, Options.InnerSteps, createGraph: false);
        using var ways = ((double)task.Ways).ToScalar();
        Tensor? total = null;
        foreach (var (name, start) in inner.Start)
        {
            var term = start.sub(inner.Adapted[name].detach()).square().sum().mul(Half);
            if (name is GradientNetwork.HeadWeightName or GradientNetwork.HeadBiasName) term = term.div(ways); // one shared row for all classes
            total = total is null ? term : total.add(term, One);
        }
        return total!.MoveToOuterDisposeScope();
    }
}
