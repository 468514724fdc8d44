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

    /// <summary>
    /// The representation in one canonical form, FewShotWOZ's: <c>inform ( name = hakka restaurant ; area = centre )
    /// @ request ( food = ? )</c>, with act and slot names lower-cased and underscores read as spaces
    /// (<c>REQUEST(recipient_account_name=?)</c> becomes <c>request ( recipient account name = ? )</c>), RNNLG's
    /// leading <c>?</c> of system questions dropped (<c>?request</c> is MultiWOZ's <c>request</c>), quotes dropped, and
    /// an act with no slots written <c>goodbye ( )</c>. RNNLG, FewShotWOZ and FewShotSGD write the same acts three
    /// ways; read through this form, a model meta-trained on one meets the others' acts in the words it learned (the
    /// values keep their case and text).
    /// </summary>
    /// <returns>The canonical form, or <paramref name="representation"/> unchanged when it does not parse as acts.</returns>
    public static string Canonical(string representation)
    {
        ArgumentNullException.ThrowIfNull(representation);
        IReadOnlyList<DialogueAct> acts;
        try
        {
            acts = ParseAll(representation);
        }
        catch (FormatException)
        {
            return representation;
        }
        return Canonical(acts);
    }

    /// <summary>Parsed acts written in the canonical form of <see cref="Canonical(string)"/>.</summary>
    public static string Canonical(IReadOnlyList<DialogueAct> acts)
    {
        ArgumentNullException.ThrowIfNull(acts);
        static string Words(string name) => name.TrimStart('?').Replace('_', ' ').ToLowerInvariant();
        static string Slot(DialogueSlot s) => s.Value is null ? Words(s.Name) : $"{Words(s.Name)} = {s.Value}";
        return string.Join(" @ ", acts.Select(a => a.Slots.Count == 0 ? $"{Words(a.Name)} ( )" : $"{Words(a.Name)} ( {string.Join(" ; ", a.Slots.Select(Slot))} )"));
    }

    private static string Unquote(string value) =>
        value.Length >= 2 && value[0] == '\'' && value[^1] == '\'' ? value[1..^1] : value;
}
