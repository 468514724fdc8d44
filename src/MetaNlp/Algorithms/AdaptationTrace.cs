namespace MetaNlp.Algorithms;

/// <summary>
/// Where a gradient learner's inner loop went on one support set: the losses and accuracies before the first step and
/// after each step, and the weights that moved most. Entry 0 of <see cref="Steps"/> is the un-adapted start (the
/// meta-learned weights with the task's head), entry k the weights after k steps, so the last entry is what
/// <see cref="IFewShotLearner.Adapt"/> classifies with.
/// </summary>
/// <param name="Steps">One entry per point of the loop, starting with the un-adapted weights.</param>
/// <param name="Moved">Every adapted weight tensor by how far it moved from its start (relative change, largest first).</param>
public sealed record AdaptationTrace(IReadOnlyList<AdaptationStep> Steps, IReadOnlyList<ParameterMove> Moved);

/// <summary>Losses (mean cross-entropy) and accuracies (fraction right) at one point of the inner loop.</summary>
/// <param name="Step">Inner steps taken (0: none yet).</param>
/// <param name="SupportLoss">Loss on the support set, the loss the inner loop descends.</param>
/// <param name="SupportAccuracy">Accuracy on the support set.</param>
/// <param name="QueryLoss">Loss on the labelled queries, if any were given.</param>
/// <param name="QueryAccuracy">Accuracy on the labelled queries, if any were given.</param>
public sealed record AdaptationStep(int Step, double SupportLoss, double SupportAccuracy, double? QueryLoss, double? QueryAccuracy);

/// <summary>How far one adapted weight tensor moved over the whole inner loop.</summary>
/// <param name="Name">The weight's name (an encoder parameter, or the head's <c>head_weight</c> / <c>head_bias</c>).</param>
/// <param name="Change">Euclidean norm of the change, |adapted - start|.</param>
/// <param name="RelativeChange">The change over the start's norm, |adapted - start| / |start| (the change itself when the start is zero).</param>
public sealed record ParameterMove(string Name, double Change, double RelativeChange);
