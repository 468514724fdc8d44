namespace MetaNlp.Generation;

/// <summary>
/// The slot error rate of dialogue-act-to-text generation (Wen et al. 2015's ERR = (p + q) / N: p missing and q
/// redundant slots over the N slots of the acts), computed by value matching: a slot whose value should be said
/// literally counts as realised when its value's tokens occur as a contiguous run of the output's tokens (both
/// lower-cased and split on whitespace, as the tokenised data are). Values that are not said literally — <c>?</c>,
/// <c>none</c>, <c>dontcare</c>, <c>yes</c>/<c>no</c>/<c>true</c>/<c>false</c>, empty — are not counted. This is
/// not the RNNLG/SC-GPT delexicalising script (which also maps booleans and "dontcare" to phrases), so its numbers
/// are close to, not equal to, published ERR.
/// </summary>
public static class SlotErrorRate
{
    /// <summary>The counts over a corpus of (meaning representation, output) pairs.</summary>
    /// <exception cref="ArgumentException">The lists differ in length.</exception>
    public static SlotErrorCounts Count(IReadOnlyList<string> representations, IReadOnlyList<string> outputs)
    {
        ArgumentNullException.ThrowIfNull(representations);
        ArgumentNullException.ThrowIfNull(outputs);
        if (representations.Count != outputs.Count)
            throw new ArgumentException($"{representations.Count} dialogue acts but {outputs.Count} outputs.", nameof(outputs));
        long slots = 0, missing = 0, redundant = 0;
        for (var i = 0; i < outputs.Count; i++)
        {
            var text = Words(outputs[i]);
            var expected = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var act in DialogueAct.ParseAll(representations[i]))
                foreach (var slot in act.Slots)
                {
                    if (!NlgDelexicalizer.IsLiteral(slot.Value)) continue;
                    var value = slot.Value!.Trim().ToLowerInvariant();
                    expected[value] = expected.GetValueOrDefault(value) + 1;
                }
            foreach (var (value, count) in expected)
            {
                var found = Occurrences(text, Words(value));
                slots += count;
                missing += Math.Max(0, count - found);
                redundant += Math.Max(0, found - count);
            }
        }
        return new SlotErrorCounts(slots, missing, redundant);
    }

    private static string[] Words(string text) => PythonText.SplitWhitespace(text.ToLowerInvariant());

    // Non-overlapping occurrences of the run `value` in `text`, left to right.
    private static int Occurrences(string[] text, string[] value)
    {
        if (value.Length == 0) return 0;
        var found = 0;
        for (var i = 0; i + value.Length <= text.Length;)
        {
            if (text.AsSpan(i, value.Length).SequenceEqual(value, StringComparer.Ordinal))
            {
                found++;
                i += value.Length;
            }
            else i++;
        }
        return found;
    }
}
