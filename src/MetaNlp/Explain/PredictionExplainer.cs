using MetaNlp.Algorithms;
using MetaNlp.Data;
using MetaNlp.Text;
using static TorchSharp.torch;

namespace MetaNlp.Explain;

/// <summary>
/// Explains predictions of an adapted classifier (any learner's: <see cref="IFewShotLearner.Adapt"/> returns an
/// <see cref="IExplainableClassifier"/>): scores, nearest support examples and token attributions read the classifier
/// alone, with the same adapted weights as its predictions. The learner is needed only for a gradient learner's
/// adaptation trace.
/// </summary>
public static class PredictionExplainer
{
    /// <summary>Adapts <paramref name="learner"/> to <paramref name="support"/> and explains its prediction for <paramref name="text"/>, with the adaptation trace of a gradient learner.</summary>
    /// <exception cref="ArgumentException">The support has fewer than two classes, the text has no visible character or no token, or an option is out of range.</exception>
    public static Explanation Explain(IFewShotLearner learner, IReadOnlyList<TextExample> support, string text, ExplainOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(learner);
        options ??= new ExplainOptions();
        options.Validate();
        using var adapted = learner.Adapt(support);
        var classifier = adapted as IExplainableClassifier
            ?? throw new NotSupportedException($"{learner.Algorithm}'s adapted classifier ({adapted.GetType().Name}) does not open its scores to explanations.");
        var explanation = Explain(classifier, support, text, options);
        if (!options.Trace) return explanation;
        // A learner with label texts adapts to the support with them, so its trace does too.
        var (inner, traced) = learner is LabelTextLearner labelled ? (labelled.Inner, labelled.Texts.Augment(support)) : (learner, support);
        return inner is GradientLearner gradient ? explanation with { Trace = gradient.TraceAdaptation(traced) } : explanation;
    }

    /// <summary>Explains <paramref name="classifier"/>'s prediction for <paramref name="text"/>; <paramref name="support"/> is the set it was adapted to (for the nearest examples).</summary>
    /// <exception cref="ArgumentException">The text has no visible character or no token, the support is empty, or an option is out of range.</exception>
    public static Explanation Explain(IExplainableClassifier classifier, IReadOnlyList<TextExample> support, string text, ExplainOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        ArgumentNullException.ThrowIfNull(support);
        ArgumentNullException.ThrowIfNull(text);
        options ??= new ExplainOptions();
        options.Validate();
        VisibleText.Require(text, "text");
        if (classifier.Labels.Count < 2) throw new ArgumentException("An explanation compares the predicted class with the runner-up, so it needs at least two classes.", nameof(classifier));

        double[] scores;
        IReadOnlyList<NearbyExample> nearest;
        using (no_grad())
        using (NewDisposeScope())
        {
            using var batch = TokenBatch.FromIds([classifier.Tokenizer.Encode(text)], classifier.MinLength);
            scores = classifier.Scores(batch).to(float64).data<double>().ToArray();
            using var neighbours = NearestExamples.Create(classifier, support.Select(e => e.Text).ToArray());
            nearest = [.. neighbours.Explain(classifier.EmbedNoGrad([text]), options.Top).Select(s => new NearbyExample(s.Index, support[s.Index].Text, support[s.Index].Label, s.Score))];
        }
        var order = Enumerable.Range(0, scores.Length).OrderByDescending(c => scores[c]).ThenBy(c => c).ToArray();
        double max = scores.Max();
        var exp = scores.Select(s => Math.Exp(s - max)).ToArray();
        double sum = exp.Sum();
        var attributions = IntegratedGradients.Compute(classifier, text, order[0], order[1], options.Attribution);
        return new Explanation(text, classifier.Labels[order[0]], classifier.Labels[order[1]], classifier.Labels, scores,
            [.. exp.Select(e => e / sum)], nearest, attributions, null);
    }
}
