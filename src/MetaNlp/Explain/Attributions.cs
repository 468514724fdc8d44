namespace MetaNlp.Explain;

/// <summary>What the token embeddings are compared with: the input a text's attributions are measured against.</summary>
public enum AttributionBaseline
{
    /// <summary>Every real token's embedding set to the zero vector (Sundararajan et al.'s usual choice for text).</summary>
    Zero,

    /// <summary>Every real token's embedding set to the padding token's (id 0: [PAD] for MiniLM, &lt;pad&gt; for the word tokenizers).</summary>
    Pad,
}

/// <summary>One token of the explained text with its attributions toward <see cref="TokenAttributions.Label"/> against <see cref="TokenAttributions.Against"/>.</summary>
/// <param name="Token">What the token stands for (a word, a word piece such as "##ing", or "[CLS]").</param>
/// <param name="Word">Index of the word it belongs to in <see cref="TokenAttributions.Words"/>.</param>
/// <param name="IntegratedGradients">Its integrated-gradients attribution, summed over the embedding's dimensions.</param>
/// <param name="Occlusion">The score gap with every token as it is minus the gap with this one token set to the baseline.</param>
public sealed record TokenScore(string Token, int Word, double IntegratedGradients, double Occlusion);

/// <summary>A word of the explained text: its tokens' attributions summed (word pieces joined, "play" + "##ing" = "playing").</summary>
/// <param name="Text">The word as the tokenizer reads it (lower-cased by uncased tokenizers).</param>
/// <param name="Special">Whether it is a token the tokenizer adds ([CLS], [SEP]) rather than part of the text.</param>
/// <param name="IntegratedGradients">Sum of its tokens' integrated-gradients attributions.</param>
/// <param name="Occlusion">Sum of its tokens' occlusion scores (each token occluded alone, not the word at once).</param>
public sealed record WordScore(string Text, bool Special, double IntegratedGradients, double Occlusion);

/// <summary>
/// Token attributions for one text: how much each token's embedding moves the score gap F = score(Label) -
/// score(Against), by integrated gradients from <see cref="Baseline"/> (with occlusion as the check). By
/// completeness the integrated gradients sum to F(input) - F(baseline), up to the quadrature's error
/// (<see cref="CompletenessError"/>).
/// </summary>
/// <param name="Label">The class the attributions are for (the predicted one).</param>
/// <param name="Against">The class it is compared with (the runner-up).</param>
/// <param name="Baseline">The baseline of the integration and of occlusion.</param>
/// <param name="Steps">Quadrature nodes on the path from the baseline to the input (Gauss-Legendre).</param>
/// <param name="InputGap">F at the input: score(Label) - score(Against) of the text as it is.</param>
/// <param name="BaselineGap">F at the baseline: every real token's embedding replaced by the baseline's.</param>
/// <param name="Tokens">Every token the encoder reads, in order.</param>
/// <param name="Words">The tokens grouped into words, in order.</param>
public sealed record TokenAttributions(string Label, string Against, AttributionBaseline Baseline, int Steps, double InputGap, double BaselineGap,
    IReadOnlyList<TokenScore> Tokens, IReadOnlyList<WordScore> Words)
{
    /// <summary>Sum of the tokens' integrated-gradients attributions.</summary>
    public double Total => Tokens.Sum(t => t.IntegratedGradients);

    /// <summary><see cref="Total"/> minus (<see cref="InputGap"/> - <see cref="BaselineGap"/>): zero for an exact integral.</summary>
    public double CompletenessError => Total - (InputGap - BaselineGap);
}
