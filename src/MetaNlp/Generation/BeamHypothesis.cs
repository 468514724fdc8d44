namespace MetaNlp.Generation;

/// <summary>A finished output of <see cref="BeamSearch"/>.</summary>
/// <param name="Tokens">The generated ids, ending with the end id when the output finished (no begin id).</param>
/// <param name="LogProbability">Sum of the tokens' log-probabilities.</param>
/// <param name="Score">The length-normalised score: <c>LogProbability / Tokens.Length^alpha</c>.</param>
public sealed record BeamHypothesis(int[] Tokens, double LogProbability, double Score);
