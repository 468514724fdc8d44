using MetaNlp.Algorithms;
using static TorchSharp.torch;

namespace MetaNlp.Explain;

/// <summary>One support example and its cosine similarity to the explained text.</summary>
/// <param name="Index">Position of the example in the support list.</param>
/// <param name="Score">Cosine similarity of the two sentence vectors, in [-1, 1].</param>
public sealed record ExampleScore(int Index, double Score);

/// <summary>
/// Explains a prediction by the support examples closest to the text in the learner's sentence space. The support
/// vectors are computed once (<see cref="Create"/>) and reused for every explained text.
/// </summary>
public sealed class NearestExamples : IDisposable
{
    private readonly TextEmbedder _embedder;
    private readonly Tensor _support;   // [n, d], unit length

    private NearestExamples(TextEmbedder embedder, Tensor support)
    {
        _embedder = embedder;
        _support = support;
    }

    /// <summary>Number of support examples.</summary>
    public int Count => (int)_support.shape[0];

    /// <summary>Embeds <paramref name="supportTexts"/> with <paramref name="embedder"/> (no gradients).</summary>
    public static NearestExamples Create(TextEmbedder embedder, IReadOnlyList<string> supportTexts)
    {
        ArgumentNullException.ThrowIfNull(embedder);
        ArgumentNullException.ThrowIfNull(supportTexts);
        if (supportTexts.Count == 0) throw new ArgumentException("An explanation needs at least one support example.", nameof(supportTexts));
        using var scope = NewDisposeScope();
        var vectors = nn.functional.normalize(embedder.EmbedNoGrad(supportTexts), dim: 1);
        return new NearestExamples(embedder, vectors.DetachFromDisposeScope());
    }

    /// <summary>The <paramref name="top"/> support examples most similar to <paramref name="text"/>, most similar first.</summary>
    public IReadOnlyList<ExampleScore> Explain(string text, int top)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (top < 1) throw new ArgumentOutOfRangeException(nameof(top), top, "top must be at least 1.");
        using var scope = NewDisposeScope();
        var query = nn.functional.normalize(_embedder.EmbedNoGrad([text]), dim: 1);
        var scores = _support.matmul(query.t()).squeeze(1).to(ScalarType.Float64).data<double>().ToArray();
        return scores.Select((score, index) => new ExampleScore(index, score))
            .OrderByDescending(s => s.Score).ThenBy(s => s.Index).Take(top).ToArray();
    }

    /// <inheritdoc />
    public void Dispose() => _support.Dispose();
}
