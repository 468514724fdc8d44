using MetaNlp.Data;
using static TorchSharp.torch;

namespace MetaNlp.Algorithms;

/// <summary>
/// Any learner with label-semantic support (<see cref="LabelTexts"/>): every support set it trains on or adapts to
/// gains one example per class whose text is the class label's, so the same meta-parameters learn to place a label
/// and its examples together. A decorator, so that every learner gets it with no change of its own, and the trainer,
/// evaluator, CLI and service see one more <see cref="IFewShotLearner"/>.
/// </summary>
public sealed class LabelTextLearner : IFewShotLearner
{
    /// <summary>Wraps <paramref name="inner"/>.</summary>
    public LabelTextLearner(IFewShotLearner inner, LabelTexts texts)
    {
        Inner = inner ?? throw new ArgumentNullException(nameof(inner));
        Texts = texts ?? throw new ArgumentNullException(nameof(texts));
    }

    /// <summary>The learner that sees the augmented support sets.</summary>
    public IFewShotLearner Inner { get; }

    /// <summary>The texts of the labels.</summary>
    public LabelTexts Texts { get; }

    /// <inheritdoc />
    public string Algorithm => Inner.Algorithm;

    /// <inheritdoc />
    public nn.Module Module => Inner.Module;

    /// <inheritdoc />
    public Tensor EpisodeLoss(Episode episode) => Inner.EpisodeLoss(Texts.Augment(episode));

    /// <inheritdoc />
    public Tensor EpisodeLosses(IReadOnlyList<Episode> episodes) => Inner.EpisodeLosses(Augment(episodes));

    /// <inheritdoc />
    public bool ComputesTogether(IReadOnlyList<Episode> episodes) => Inner.ComputesTogether(Augment(episodes));

    /// <inheritdoc />
    public IFewShotClassifier Adapt(IReadOnlyList<TextExample> support) => Inner.Adapt(Texts.Augment(support));

    private Episode[] Augment(IReadOnlyList<Episode> episodes)
    {
        ArgumentNullException.ThrowIfNull(episodes);
        return [.. episodes.Select(Texts.Augment)];
    }
}
