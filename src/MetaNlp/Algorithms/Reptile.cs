using MetaNlp.Data;
using TorchSharp;
using static TorchSharp.torch;
using static MetaNlp.Functional.Scalars;

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

    private static readonly Scalar Half = 0.5.ToScalar();

    /// <summary>Creates the learner (always first order).</summary>
    public Reptile(TextEmbedder embedder, GradientLearnerOptions? options = null)
        : base(embedder, (options ?? new GradientLearnerOptions()) with { FirstOrder = true })
    {
    }

    /// <inheritdoc />
    public override string Algorithm => Name;

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
            if (name is MetaNetwork.HeadWeightName or MetaNetwork.HeadBiasName) term = term.div(ways); // one shared row for all classes
            total = total is null ? term : total.add(term, One);
        }
        return total!.MoveToOuterDisposeScope();
    }
}
