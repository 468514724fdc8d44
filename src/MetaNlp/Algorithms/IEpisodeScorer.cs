using MetaNlp.Data;
using static TorchSharp.torch;

namespace MetaNlp.Algorithms;

/// <summary>
/// A learner whose training loss comes from query logits, which it can hand out with the loss from the same pass:
/// what a feedback sampler (<see cref="IEpisodeFeedback"/>, <c>--sampler hard</c>) learns the model's mistakes from,
/// at no extra cost. The trainer adapts learners without it a second time to get their predictions.
/// </summary>
public interface IEpisodeScorer
{
    /// <summary>
    /// <see cref="IFewShotLearner.EpisodeLoss"/> of <paramref name="episode"/> (the same value, in the autograd graph)
    /// and the query logits [queries, ways] it was computed from, detached.
    /// </summary>
    (Tensor Loss, Tensor QueryLogits) EpisodeLossAndLogits(Episode episode);
}
