using MetaNlp.Algorithms;

namespace MetaNlp.Explain;

/// <summary>A support example close to the explained text in the classifier's sentence space.</summary>
/// <param name="Index">Position of the example in the support list.</param>
/// <param name="Text">The example's text.</param>
/// <param name="Label">The example's label.</param>
/// <param name="Similarity">Cosine similarity of the two sentence vectors, in [-1, 1].</param>
public sealed record NearbyExample(int Index, string Text, string Label, double Similarity);

/// <summary>
/// The explanation of one prediction: every class's score and probability, the support examples nearest to the
/// text, the tokens' attributions for the predicted class against the runner-up, and for a gradient learner the
/// adaptation trace of its inner loop on the support.
/// </summary>
/// <param name="Text">The explained text.</param>
/// <param name="Label">The predicted class (the highest score).</param>
/// <param name="RunnerUp">The second-highest score's class, the one the attributions compare with.</param>
/// <param name="Labels">Every class, in the order of <paramref name="Scores"/> and <paramref name="Probabilities"/>.</param>
/// <param name="Scores">Each class's score (the learner's logits: scaled cosine or negative squared distance for prototypes, the adapted head's output for gradient learners).</param>
/// <param name="Probabilities">The softmax of the scores: the prediction's probabilities.</param>
/// <param name="Nearest">The support examples nearest to the text, most similar first.</param>
/// <param name="Attributions">The tokens' attributions (integrated gradients, with occlusion).</param>
/// <param name="Trace">The inner loop on the support, for a gradient learner; null for the others.</param>
public sealed record Explanation(string Text, string Label, string RunnerUp, IReadOnlyList<string> Labels, IReadOnlyList<double> Scores,
    IReadOnlyList<double> Probabilities, IReadOnlyList<NearbyExample> Nearest, TokenAttributions Attributions, AdaptationTrace? Trace);

/// <summary>Options of <see cref="PredictionExplainer"/>.</summary>
public sealed record ExplainOptions
{
    /// <summary>Nearest support examples to list (default 5; 1 to 1,000).</summary>
    public int Top { get; init; } = 5;

    /// <summary>Integrated-gradients options (steps, baseline).</summary>
    public AttributionOptions Attribution { get; init; } = new();

    /// <summary>Whether to trace a gradient learner's inner loop (default true; it costs one more adaptation).</summary>
    public bool Trace { get; init; } = true;

    /// <summary>Checks every option, naming the bad one.</summary>
    public void Validate()
    {
        if (Top is < 1 or > 1000) throw new ArgumentOutOfRangeException(nameof(Top), Top, "Top must be 1 to 1,000.");
        ArgumentNullException.ThrowIfNull(Attribution, nameof(Attribution));
        Attribution.Validate();
    }
}
