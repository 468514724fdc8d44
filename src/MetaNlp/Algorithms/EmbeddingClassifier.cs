using MetaNlp.Functional;
using MetaNlp.Text;
using static TorchSharp.torch;

namespace MetaNlp.Algorithms;

/// <summary>
/// A classifier that embeds texts and scores them against stored class evidence (prototypes, support vectors):
/// probabilities are the softmax of the scores. Shared by the metric learners.
/// </summary>
public sealed class EmbeddingClassifier : IExplainableClassifier
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

    /// <summary>The tokenizer and encoder that embed the texts (with <see cref="EncoderWeights"/> when there are adapted ones).</summary>
    public TextEmbedder Embedder => _embedder;

    /// <summary>
    /// The adapted encoder weights the texts are embedded with (gradient learners); null when the encoder runs with its
    /// own weights (metric learners), so one pass of <see cref="TextEmbedder.EmbedNoGrad"/> serves every classifier of
    /// the same embedder (a server batches the texts of several classifiers that way).
    /// </summary>
    public ParameterSet? EncoderWeights => _encoderWeights;

    /// <inheritdoc />
    public ITokenizer Tokenizer => _embedder.Tokenizer;

    /// <inheritdoc />
    public int MinLength => _embedder.Encoder.MinLength;

    /// <inheritdoc />
    public Tensor Scores(TokenBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (_embedder.Encoder.training) throw new InvalidOperationException("Scores explains the classifier's predictions, which run in evaluation mode; call eval() on the model first (word dropout and dropout would change the scores from call to call).");
        using var scope = NewDisposeScope();
        return _scores(_embedder.Encoder.Forward(batch, _encoderWeights)).MoveToOuterDisposeScope();
    }

    /// <summary>Sentence vectors [texts, dim] as this classifier sees them (its adapted weights, if any), without gradients.</summary>
    public Tensor EmbedNoGrad(IReadOnlyList<string> texts) => _embedder.EmbedNoGrad(texts, weights: _encoderWeights);

    /// <inheritdoc />
    public IReadOnlyList<Prediction> Predict(IReadOnlyList<string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        if (texts.Count == 0) return [];
        using var scope = NewDisposeScope();
        return PredictEmbedded(EmbedNoGrad(texts));
    }

    /// <summary>
    /// The predictions for sentence vectors [texts, dim] embedded as <see cref="EmbedNoGrad"/> does (by this
    /// classifier, or by <see cref="Embedder"/> in one pass with other texts when <see cref="EncoderWeights"/> is null).
    /// </summary>
    public IReadOnlyList<Prediction> PredictEmbedded(Tensor vectors)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        int rows = (int)vectors.shape[0];
        var probabilities = _scores(vectors).softmax(1).to(float64).cpu();
        var values = probabilities.data<double>().ToArray();
        int n = Labels.Count;
        var result = new Prediction[rows];
        for (int row = 0; row < rows; row++)
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
