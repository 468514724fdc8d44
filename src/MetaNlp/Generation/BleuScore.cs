namespace MetaNlp.Generation;

/// <summary>
/// A corpus BLEU score (0 to 100, as sacreBLEU reports it) with its sufficient statistics.
/// </summary>
/// <param name="Score">BLEU in 0–100.</param>
/// <param name="Matches">Clipped n-gram matches per order (1 to 4).</param>
/// <param name="Totals">Hypothesis n-grams per order.</param>
/// <param name="Precisions">Per-order precisions in 0–100 after smoothing.</param>
/// <param name="BrevityPenalty">exp(1 − r/c) when the hypotheses are shorter than the references, else 1.</param>
/// <param name="HypothesisLength">Tokens in all hypotheses (c).</param>
/// <param name="ReferenceLength">Closest reference length summed over segments (r).</param>
public sealed record BleuScore(
    double Score,
    IReadOnlyList<long> Matches,
    IReadOnlyList<long> Totals,
    IReadOnlyList<double> Precisions,
    double BrevityPenalty,
    long HypothesisLength,
    long ReferenceLength);
