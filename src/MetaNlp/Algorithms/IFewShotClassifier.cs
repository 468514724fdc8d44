namespace MetaNlp.Algorithms;

/// <summary>A classifier adapted to one support set. It holds native tensors: dispose it.</summary>
public interface IFewShotClassifier : IDisposable
{
    /// <summary>The classes, in the order of <see cref="Prediction.Probabilities"/>.</summary>
    IReadOnlyList<string> Labels { get; }

    /// <summary>The most likely label of each text, with the probability of every label.</summary>
    IReadOnlyList<Prediction> Predict(IReadOnlyList<string> texts);
}

/// <summary>One prediction: the best label, its probability, and every label's probability in <see cref="IFewShotClassifier.Labels"/> order.</summary>
public sealed record Prediction(string Label, double Probability, IReadOnlyList<double> Probabilities);
