namespace MetaNlp.Generation;

/// <summary>The result of <see cref="GenerationEvaluator.AdaptAndEvaluate"/>.</summary>
/// <param name="Scores">The metrics on the decoded test outputs.</param>
/// <param name="Outputs">The decoded outputs, in test order.</param>
/// <param name="SupportLossBefore">Teacher-forced loss (no smoothing) on the support pairs at the start weights.</param>
/// <param name="SupportLossAfter">The same after adaptation.</param>
public sealed record GenerationEvaluation(GenerationScores Scores, IReadOnlyList<string> Outputs, double SupportLossBefore, double SupportLossAfter);
