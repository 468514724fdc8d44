using MetaNlp.Functional;
using static TorchSharp.torch;

namespace MetaNlp.Algorithms;

/// <summary>
/// A classifier that embeds texts and scores them against stored class evidence (prototypes, support vectors):
/// probabilities are the softmax of the scores. Shared by the metric learners.
/// </summary>
public sealed class EmbeddingClassifier : IFewShotClassifier
{
    private readonly TextEmbedder _embedder;
    private readonly Func<Tensor, Tensor> _scores;
    private readonly IDisposable[] _owned;
    private readonly ParameterSet? _encoderWeights;

    /// <summary>Creates the classifier.</summary>
    /// <param name="labels">Class names, in score column order.</param>
    /// <param name="embedder">Embeds the texts to classify.</param>
    /// <param name="scores">Query embeddings [q, dim] to class scores [q, labels] (higher is more likely).</param>
    /// <param name="owned">Tensors the score function closes over; disposed with the classifier.</param>
    public EmbeddingClassifier(IReadOnlyList<string> labels, TextEmbedder embedder, Func<Tensor, Tensor> scores, params IDisposable[] owned)
        : this(labels, embedder, null, scores, owned)
    {
    }

    /// <summary>Creates a classifier whose encoder runs with adapted weights.</summary>
    /// <param name="labels">Class names, in score column order.</param>
    /// <param name="embedder">Tokenizer and encoder.</param>
    /// <param name="encoderWeights">Weights the encoder runs with instead of its own (null: its own).</param>
    /// <param name="scores">Query embeddings [q, dim] to class scores [q, labels] (higher is more likely).</param>
    /// <param name="owned">Tensors the classifier holds; disposed with it.</param>
    public EmbeddingClassifier(IReadOnlyList<string> labels, TextEmbedder embedder, ParameterSet? encoderWeights, Func<Tensor, Tensor> scores, params IDisposable[] owned)
    {
        _encoderWeights = encoderWeights;
        Labels = labels ?? throw new ArgumentNullException(nameof(labels));
        _embedder = embedder ?? throw new ArgumentNullException(nameof(embedder));
        _scores = scores ?? throw new ArgumentNullException(nameof(scores));
        _owned = owned;
    }

    /// <inheritdoc />
    public IReadOnlyList<string> Labels { get; }

    /// <inheritdoc />
    public IReadOnlyList<Prediction> Predict(IReadOnlyList<string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        if (texts.Count == 0) return [];
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var probabilities = _scores(_embedder.EmbedNoGrad(texts, weights: _encoderWeights)).softmax(1).to(float64).cpu();
        var values = probabilities.data<double>().ToArray();
        int n = Labels.Count;
        var result = new Prediction[texts.Count];
        for (int row = 0; row < texts.Count; row++)
        {
            var p = new double[n];
            Array.Copy(values, row * n, p, 0, n);
            int best = 0;
            for (int c = 1; c < n; c++) if (p[c] > p[best]) best = c;
            result[row] = new Prediction(Labels[best], p[best], p);
        }
        return result;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var d in _owned) d.Dispose();
    }
}
