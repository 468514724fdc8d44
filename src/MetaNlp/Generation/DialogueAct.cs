namespace MetaNlp.Generation;

/// <summary>
/// One act of a meaning representation, e.g. <c>inform(name='hakka restaurant';pricerange=moderate)</c>, in the
/// forms that RNNLG, FewShotWOZ and FewShotSGD write: acts joined by <c> @ </c>, slots by <c>;</c>, optional spaces
/// and single quotes, and values that may hold parentheses or commas (<c>phone=(415) 555-5788</c>).
/// </summary>
/// <param name="Name">The act, e.g. <c>inform</c>, <c>?request</c>, <c>REQUEST</c>.</param>
/// <param name="Slots">Its slots in order.</param>
public sealed record DialogueAct(string Name, IReadOnlyList<DialogueSlot> Slots)
{
    /// <summary>The acts of a meaning representation.</summary>
    /// <exception cref="FormatException">A part has no <c>(</c> or no closing <c>)</c>.</exception>
    public static IReadOnlyList<DialogueAct> ParseAll(string representation)
    {
        ArgumentNullException.ThrowIfNull(representation);
        var acts = new List<DialogueAct>();
        foreach (var part in representation.Split(" @ ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var open = part.IndexOf('(', StringComparison.Ordinal);
            var close = part.LastIndexOf(')');
            if (open <= 0 || close < open)
                throw new FormatException($"dialogue act '{part}' is not of the form name(slot=value;...).");
            var slots = new List<DialogueSlot>();
            foreach (var raw in part[(open + 1)..close].Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                var eq = raw.IndexOf('=', StringComparison.Ordinal);
                slots.Add(eq < 0
                    ? new DialogueSlot(raw, null)
                    : new DialogueSlot(raw[..eq].Trim(), Unquote(raw[(eq + 1)..].Trim())));
            }
            acts.Add(new DialogueAct(part[..open].Trim(), slots));
        }
        return acts;
    }

    private static string Unquote(string value) =>
        value.Length >= 2 && value[0] == '\'' && value[^1] == '\'' ? value[1..^1] : value;
}
