using MetaNlp.Algorithms;
using MetaNlp.Text;
using TorchSharp;
using static MetaNlp.Workarounds.Scalars;
using static TorchSharp.torch;

namespace MetaNlp.Explain;

/// <summary>Options of <see cref="IntegratedGradients"/>.</summary>
public sealed record AttributionOptions
{
    /// <summary>Most quadrature nodes allowed (each is one forward and backward pass of the text).</summary>
    public const int MaxSteps = 1_000;

    /// <summary>Gauss-Legendre nodes on the path from baseline to input (default 50, Captum's default; 1 to <see cref="MaxSteps"/>).</summary>
    public int Steps { get; init; } = 50;

    /// <summary>The baseline (default <see cref="AttributionBaseline.Zero"/>).</summary>
    public AttributionBaseline Baseline { get; init; } = AttributionBaseline.Zero;

    /// <summary>Path points (or occluded copies) per encoder pass (default 16): bounds the memory of one pass.</summary>
    public int BatchSize { get; init; } = 16;

    /// <summary>Checks every option, naming the bad one.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is outside its bounds.</exception>
    public void Validate()
    {
        if (Steps is < 1 or > MaxSteps) throw new ArgumentOutOfRangeException(nameof(Steps), Steps, $"Integrated-gradients steps must be 1 to {MaxSteps}.");
        if (BatchSize is < 1 or > 1024) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "The attribution batch size must be 1 to 1,024.");
        if (!Enum.IsDefined(Baseline)) throw new ArgumentOutOfRangeException(nameof(Baseline), Baseline, "Unknown attribution baseline.");
    }
}

/// <summary>
/// Integrated gradients on the token embeddings (Sundararajan et al. 2017; the design of Captum's
/// LayerIntegratedGradients, whose hook on the embedding layer is <see cref="TokenBatch.TokenEmbeddingEdit"/> here):
/// the attribution of token i is (x_i - b_i) . integral over a in [0, 1] of dF/dx_i at b + a (x - b), where x are the
/// text's token embeddings, b the baseline's and F = score(target) - score(against) of an
/// <see cref="IExplainableClassifier"/>. The integral is Gauss-Legendre quadrature with
/// <see cref="AttributionOptions.Steps"/> nodes, so the attributions sum to F(x) - F(b) up to its error. Occlusion
/// is computed alongside as the check: F(x) minus F with one token's embedding set to the baseline.
/// Padding positions (a CNN pads a short text to its widest filter) keep their own embedding on the whole path, so
/// they get no attribution and are not listed.
/// </summary>
public static class IntegratedGradients
{
    /// <summary>Attributions of <paramref name="text"/>'s tokens to score(<paramref name="target"/>) - score(<paramref name="against"/>).</summary>
    /// <param name="classifier">The adapted classifier, in evaluation mode.</param>
    /// <param name="text">The text to explain.</param>
    /// <param name="target">Index of the class in <see cref="IFewShotClassifier.Labels"/> the attributions are for.</param>
    /// <param name="against">Index of the class it is compared with.</param>
    /// <param name="options">Steps, baseline and batch size (null: the defaults).</param>
    /// <exception cref="ArgumentException">The text has no token, or a class index is out of range or both are the same.</exception>
    public static TokenAttributions Compute(IExplainableClassifier classifier, string text, int target, int against, AttributionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        ArgumentNullException.ThrowIfNull(text);
        options ??= new AttributionOptions();
        options.Validate();
        int classes = classifier.Labels.Count;
        if (target < 0 || target >= classes) throw new ArgumentOutOfRangeException(nameof(target), target, $"The classifier has {classes} classes.");
        if (against < 0 || against >= classes || against == target) throw new ArgumentOutOfRangeException(nameof(against), against, $"The class to compare with must be another of the {classes} classes.");
        var ids = classifier.Tokenizer.Encode(text);
        if (ids.Length == 0) throw new ArgumentException("The text has no token the tokenizer reads, so there is nothing to attribute.", nameof(text));
        var shown = classifier.Tokenizer.Tokens(text);
        if (shown.Count != ids.Length) shown = [.. ids.Select(id => "#" + id.ToString(System.Globalization.CultureInfo.InvariantCulture))];

        using var grad = enable_grad(); // the gradients are the method, even when the caller runs under no_grad
        using var scope = NewDisposeScope();
        using var input = Capture(classifier, ids);
        using var rawBaseline = options.Baseline == AttributionBaseline.Zero ? zeros_like(input) : Capture(classifier, new int[ids.Length]);
        int length = (int)input.shape[1];
        // Real positions [1, T, 1]: padding keeps its own embedding, so it is the same at input and baseline.
        var real = tensor(Enumerable.Range(0, length).Select(t => t < ids.Length).ToArray()).view(1, length, 1);
        var baseline = where(real, rawBaseline, input);
        var delta = input.sub(baseline);

        double inputGap = Gap(classifier, ids, input, target, against)[0];
        double baselineGap = Gap(classifier, ids, baseline, target, against)[0];

        var (nodes, weights) = GaussLegendre.OnUnitInterval(options.Steps);
        var integral = zeros_like(input[0]); // [T, E]: the weighted sum of the gradients along the path
        for (int start = 0; start < nodes.Length; start += options.BatchSize)
        {
            using var step = NewDisposeScope();
            int k = Math.Min(options.BatchSize, nodes.Length - start);
            var alpha = tensor(nodes.AsSpan(start, k).ToArray().Select(a => (float)a).ToArray()).view(k, 1, 1);
            var weight = tensor(weights.AsSpan(start, k).ToArray().Select(w => (float)w).ToArray()).view(k, 1, 1);
            var point = baseline.add(delta.mul(alpha), One).detach().requires_grad_(true);
            using var batch = Copies(ids, k, classifier.MinLength);
            batch.TokenEmbeddingEdit = _ => point;
            var scores = classifier.Scores(batch);
            var gap = scores.select(1, target).sub(scores.select(1, against));
            var gradient = autograd.grad([gap.sum()], [point])[0];
            // dim named: a literal 0 would bind to sum(ScalarType), the enum's 0 being Byte.
            integral.add_(gradient.mul(weight).sum(dim: 0), One);
        }
        var integrated = delta[0].mul(integral).sum(1).to(float64).data<double>().ToArray();

        // Occlusion: one row per real token, that token's embedding set to the baseline's.
        var occlusion = new double[ids.Length];
        for (int start = 0; start < ids.Length; start += options.BatchSize)
        {
            using var step = NewDisposeScope();
            int k = Math.Min(options.BatchSize, ids.Length - start);
            var marks = new bool[k * length];
            for (int i = 0; i < k; i++) marks[i * length + start + i] = true;
            var which = tensor(marks).view(k, length, 1);
            var occluded = where(which, baseline, input);
            var gaps = Gap(classifier, ids, occluded, target, against);
            for (int i = 0; i < k; i++) occlusion[start + i] = inputGap - gaps[i];
        }

        var words = WordGroups.Of(shown);
        var tokens = new TokenScore[ids.Length];
        for (int i = 0; i < ids.Length; i++) tokens[i] = new TokenScore(shown[i], words.WordOf[i], integrated[i], occlusion[i]);
        var wordScores = words.Texts.Select((w, index) => new WordScore(w, words.Special[index],
            tokens.Where(t => t.Word == index).Sum(t => t.IntegratedGradients), tokens.Where(t => t.Word == index).Sum(t => t.Occlusion))).ToArray();
        return new TokenAttributions(classifier.Labels[target], classifier.Labels[against], options.Baseline, options.Steps, inputGap, baselineGap, tokens, wordScores);
    }

    // The token embeddings [1, T, E] the encoder looks up for the ids (padded as a batch of one), outside every scope:
    // the caller disposes them.
    private static Tensor Capture(IExplainableClassifier classifier, int[] ids)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        Tensor? captured = null;
        using var batch = TokenBatch.FromIds([ids], classifier.MinLength);
        batch.TokenEmbeddingEdit = embedded =>
        {
            captured?.Dispose();
            captured = embedded.detach().clone().DetachFromDisposeScope();
            return embedded;
        };
        classifier.Scores(batch);
        return captured ?? throw new InvalidOperationException("The classifier's encoder looked up no token embeddings, so they cannot be attributed.");
    }

    // score(target) - score(against) for each row of embeddings [k, T, E] of the same ids, without gradients.
    private static double[] Gap(IExplainableClassifier classifier, int[] ids, Tensor embeddings, int target, int against)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        int k = (int)embeddings.shape[0];
        using var batch = Copies(ids, k, classifier.MinLength);
        batch.TokenEmbeddingEdit = _ => embeddings;
        var scores = classifier.Scores(batch);
        return scores.select(1, target).sub(scores.select(1, against)).to(float64).data<double>().ToArray();
    }

    private static TokenBatch Copies(int[] ids, int count, int minLength) => TokenBatch.FromIds(Enumerable.Repeat(ids, count).ToArray(), minLength);
}
