using MetaNlp.Algorithms;
using static TorchSharp.torch;

namespace MetaNlp.Explain;

/// <summary>One support example and its cosine similarity to the explained text.</summary>
/// <param name="Index">Position of the example in the support list.</param>
/// <param name="Score">Cosine similarity of the two sentence vectors, in [-1, 1].</param>
public sealed record ExampleScore(int Index, double Score);

/// <summary>
/// Explains a prediction by the support examples closest to the text in the learner's sentence space. The support
/// vectors are computed once (Create) and reused for every explained text.
/// </summary>
public sealed class NearestExamples : IDisposable
{
    private readonly Func<IReadOnlyList<string>, Tensor> _embed;
    private readonly Tensor _support;   // [n, d], unit length

    private NearestExamples(Func<IReadOnlyList<string>, Tensor> embed, Tensor support)
    {
        _embed = embed;
        _support = support;
    }

    /// <summary>Number of support examples.</summary>
    public int Count => (int)_support.shape[0];

    /// <summary>Embeds <paramref name="supportTexts"/> with <paramref name="embedder"/> (no gradients).</summary>
    public static NearestExamples Create(TextEmbedder embedder, IReadOnlyList<string> supportTexts)
    {
        ArgumentNullException.ThrowIfNull(embedder);
        return Create(texts => embedder.EmbedNoGrad(texts), supportTexts);
    }

    /// <summary>
    /// Embeds <paramref name="supportTexts"/> as <paramref name="classifier"/> sees them: with its adapted encoder
    /// weights when a gradient learner made it, so the explanation and the prediction use one sentence space.
    /// </summary>
    public static NearestExamples Create(IExplainableClassifier classifier, IReadOnlyList<string> supportTexts)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        return Create(classifier.EmbedNoGrad, supportTexts);
    }

    private static NearestExamples Create(Func<IReadOnlyList<string>, Tensor> embed, IReadOnlyList<string> supportTexts)
    {
        ArgumentNullException.ThrowIfNull(supportTexts);
        if (supportTexts.Count == 0) throw new ArgumentException("An explanation needs at least one support example.", nameof(supportTexts));
        using var scope = NewDisposeScope();
        var vectors = nn.functional.normalize(embed(supportTexts), dim: 1);
        return new NearestExamples(embed, vectors.DetachFromDisposeScope());
    }

    /// <summary>The <paramref name="top"/> support examples most similar to <paramref name="text"/>, most similar first.</summary>
    public IReadOnlyList<ExampleScore> Explain(string text, int top)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (top < 1) throw new ArgumentOutOfRangeException(nameof(top), top, "top must be at least 1.");
        using var scope = NewDisposeScope();
        return Explain(_embed([text]), top);
    }

    /// <summary>
    /// The <paramref name="top"/> support examples most similar to a text already embedded ([1, d] or [d], in the
    /// sentence space the support was embedded in), most similar first: a prediction and its explanation share one
    /// encoder pass.
    /// </summary>
    public IReadOnlyList<ExampleScore> Explain(Tensor vector, int top)
    {
        ArgumentNullException.ThrowIfNull(vector);
        if (top < 1) throw new ArgumentOutOfRangeException(nameof(top), top, "top must be at least 1.");
        using var scope = NewDisposeScope();
        var query = nn.functional.normalize(vector.reshape(1, -1), dim: 1);
        var scores = _support.matmul(query.t()).squeeze(1).to(ScalarType.Float64).data<double>().ToArray();
        return scores.Select((score, index) => new ExampleScore(index, score))
            .OrderByDescending(s => s.Score).ThenBy(s => s.Index).Take(top).ToArray();
    }

    /// <inheritdoc />
    public void Dispose() => _support.Dispose();
}
