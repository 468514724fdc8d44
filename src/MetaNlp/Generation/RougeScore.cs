namespace MetaNlp.Generation;

/// <summary>A ROUGE score of one prediction against one target, each part in 0–1.</summary>
/// <param name="Precision">Matches over prediction n-grams (or LCS length over prediction length).</param>
/// <param name="Recall">Matches over target n-grams (or LCS length over target length).</param>
/// <param name="F1">2PR / (P + R), 0 when both are 0 (what rouge-score calls fmeasure).</param>
public sealed record RougeScore(double Precision, double Recall, double F1)
{
    /// <summary>The score from precision and recall, with F1 = 0 when both are 0.</summary>
    public static RougeScore Of(double precision, double recall) =>
        new(precision, recall, precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0.0);
}
