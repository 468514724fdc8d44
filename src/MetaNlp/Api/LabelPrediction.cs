namespace MetaNlp.Api;

/// <summary>
/// What <see cref="FewShotClassifier.Predict(IEnumerable{string})"/> says about one text: the most likely label,
/// its probability, and the probability of every label the classifier was fitted to (they sum to 1).
/// </summary>
/// <param name="Text">The text classified.</param>
/// <param name="Label">The most likely label.</param>
/// <param name="Probability">The probability of <paramref name="Label"/>, 0 to 1.</param>
/// <param name="Probabilities">Every label's probability, in the order the labels first appear in the fitted examples.</param>
public sealed record LabelPrediction(string Text, string Label, double Probability, IReadOnlyDictionary<string, double> Probabilities);
