using static TorchSharp.torch;

namespace MetaNlp.Generation;

/// <summary>
/// Greedy and beam decoding over any next-token distribution: <c>step</c> maps prefixes (each starting with the
/// begin id) to a [prefixes, vocabulary] tensor of log-probabilities. Beam search keeps the <c>width</c> best
/// unfinished prefixes at each length; a candidate that ends with the end id and ranks among the step's best
/// <c>width</c> is finished; at <c>maxLength</c> only the end id may follow. The answer is the finished output with
/// the best length-normalised score, log P / length^alpha (alpha 0: raw probability, which favours short outputs;
/// alpha 1: mean log-probability per token).
/// </summary>
public static class BeamSearch
{
    /// <summary>The best output by beam search.</summary>
    /// <param name="step">Log-probabilities of the next token for each prefix.</param>
    /// <param name="beginId">The id every prefix starts with.</param>
    /// <param name="endId">The id that ends an output.</param>
    /// <param name="width">Prefixes kept per length (1 is greedy with forced ending at <paramref name="maxLength"/>).</param>
    /// <param name="maxLength">Most generated tokens, the end id included.</param>
    /// <param name="alpha">Length-normalisation exponent.</param>
    /// <exception cref="ArgumentOutOfRangeException">width or maxLength below 1, or alpha negative.</exception>
    public static BeamHypothesis Search(Func<IReadOnlyList<int[]>, Tensor> step, int beginId, int endId, int width, int maxLength, double alpha = 1.0)
    {
        ArgumentNullException.ThrowIfNull(step);
        if (width < 1) throw new ArgumentOutOfRangeException(nameof(width), width, "Beam width must be at least 1.");
        if (maxLength < 1) throw new ArgumentOutOfRangeException(nameof(maxLength), maxLength, "Maximum length must be at least 1.");
        if (alpha < 0 || double.IsNaN(alpha)) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "Alpha must not be negative.");

        var active = new List<(int[] Prefix, double LogP)> { ([beginId], 0.0) };
        var finished = new List<BeamHypothesis>();
        for (var length = 1; length <= maxLength && active.Count > 0; length++)
        {
            double[] rows;
            long vocabulary;
            using (var scope = NewDisposeScope())
            {
                var logProbs = step(active.Select(a => a.Prefix).ToList());
                vocabulary = logProbs.shape[1];
                rows = logProbs.detach().to_type(ScalarType.Float64).cpu().data<double>().ToArray();
            }
            var candidates = new List<(int[] Prefix, double LogP, bool Ends)>();
            for (var b = 0; b < active.Count; b++)
                for (var token = 0; token < vocabulary; token++)
                {
                    var lp = rows[b * vocabulary + token];
                    if (double.IsNegativeInfinity(lp) || double.IsNaN(lp)) continue;
                    var ends = token == endId;
                    // At the last length only the end id may follow.
                    if (length == maxLength && !ends) continue;
                    candidates.Add(([.. active[b].Prefix, token], active[b].LogP + lp, ends));
                }
            // All candidates of one step have the same length, so raw log-probability ranks them; ties keep the
            // earlier beam and the lower id, so the search is deterministic.
            var ranked = candidates.Select((c, i) => (c, i)).OrderByDescending(x => x.c.LogP).ThenBy(x => x.i).Select(x => x.c).ToList();
            for (var r = 0; r < Math.Min(width, ranked.Count); r++)
                if (ranked[r].Ends)
                {
                    var tokens = ranked[r].Prefix[1..];
                    finished.Add(new BeamHypothesis(tokens, ranked[r].LogP, ranked[r].LogP / Math.Pow(tokens.Length, alpha)));
                }
            active = [.. ranked.Where(c => !c.Ends).Take(width).Select(c => (c.Prefix, c.LogP))];
        }
        if (finished.Count == 0) throw new InvalidOperationException("beam search finished no output: the model gives the end id no probability.");
        return finished.OrderByDescending(h => h.Score).First();
    }

    /// <summary>Greedy decoding: the most probable token at each step until the end id or <paramref name="maxLength"/>.</summary>
    /// <returns>The generated ids, ending with the end id when the output finished (no begin id).</returns>
    public static int[] Greedy(Func<IReadOnlyList<int[]>, Tensor> step, int beginId, int endId, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(step);
        if (maxLength < 1) throw new ArgumentOutOfRangeException(nameof(maxLength), maxLength, "Maximum length must be at least 1.");
        var prefix = new List<int> { beginId };
        for (var length = 1; length <= maxLength; length++)
        {
            int next;
            using (var scope = NewDisposeScope())
                next = (int)step([[.. prefix]])[0].argmax().item<long>();
            prefix.Add(next);
            if (next == endId) break;
        }
        return [.. prefix.Skip(1)];
    }
}
