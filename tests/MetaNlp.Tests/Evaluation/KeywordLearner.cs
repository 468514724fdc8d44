using MetaNlp.Algorithms;
using MetaNlp.Data;
using static TorchSharp.torch;

namespace MetaNlp.Tests.Evaluation;

/// <summary>
/// A learner whose answers a test can work out by hand: a query whose first word is one of the support labels gets
/// that label with probability 0.9; any other query gets the first support label with probability 0.4.
/// </summary>
internal sealed class KeywordLearner : IFewShotLearner
{
    public string Algorithm => "keyword";

    public TextEmbedder Embedder => throw new NotSupportedException("The keyword learner has no embedder.");

    public nn.Module Module { get; } = nn.Identity();

    public Tensor EpisodeLoss(Episode episode) => throw new NotSupportedException("The keyword learner does not train.");

    public IFewShotClassifier Adapt(IReadOnlyList<TextExample> support) => new Classifier([.. support.Select(e => e.Label).Distinct()]);

    private sealed class Classifier(IReadOnlyList<string> labels) : IFewShotClassifier
    {
        public IReadOnlyList<string> Labels => labels;

        public IReadOnlyList<Prediction> Predict(IReadOnlyList<string> texts) => [.. texts.Select(Predict)];

        public void Dispose()
        {
        }

        private Prediction Predict(string text)
        {
            string first = text.Split(' ')[0];
            int index = labels.ToList().IndexOf(first);
            double p = index >= 0 ? 0.9 : 0.4;
            index = Math.Max(index, 0);
            return new Prediction(labels[index], p, [.. labels.Select((_, i) => i == index ? p : (1 - p) / (labels.Count - 1))]);
        }
    }
}
