using System.Text.RegularExpressions;

namespace MetaNlp.Generation;

/// <summary>
/// Delexicalisation of dialogue-act-to-text pairs, the practice of RNNLG's SC-LSTM (Wen et al. 2015): every slot
/// value that is said literally (<see cref="IsLiteral"/>) is replaced, in the act and wherever its words occur as a
/// run of the utterance's words, by a numbered placeholder <c>&lt;v1&gt;</c>, <c>&lt;v2&gt;</c> … (in the order the
/// values first occur in the act, one placeholder per distinct value), and the generated text is relexicalised by
/// putting the values back. The model then learns where a value goes, not how to spell names, numbers and codes it
/// has never seen (a small model without a copy mechanism otherwise writes "tr2098" for "tr1923"). Numbered rather
/// than named placeholders keep a held-out domain's unseen slot names from becoming unseen placeholder words.
/// </summary>
public static partial class NlgDelexicalizer
{
    private static readonly HashSet<string> Unsaid = new(["?", "none", "dontcare", "dont_care", "yes", "no", "true", "false"], StringComparer.Ordinal);

    /// <summary>Whether a slot value is said word for word in an utterance (not <c>?</c>, <c>none</c>, <c>dontcare</c>, a boolean or empty).</summary>
    public static bool IsLiteral(string? value) =>
        !string.IsNullOrWhiteSpace(value) && !Unsaid.Contains(value.Trim().ToLowerInvariant());

    /// <summary>The placeholder of the <paramref name="index"/>-th value (1-based).</summary>
    public static string Placeholder(int index) => $"<v{index}>";

    /// <summary>
    /// The act in <see cref="DialogueAct.Canonical(string)"/> form with its literal values replaced by placeholders, and the
    /// values in placeholder order. A representation that does not parse as acts is returned unchanged, with no values.
    /// </summary>
    public static (string Text, IReadOnlyList<string> Values) Source(string representation)
    {
        ArgumentNullException.ThrowIfNull(representation);
        IReadOnlyList<DialogueAct> acts;
        try
        {
            acts = DialogueAct.ParseAll(representation);
        }
        catch (FormatException)
        {
            return (representation, []);
        }
        var values = new List<string>();
        var delexicalized = acts.Select(a => a with
        {
            Slots = [.. a.Slots.Select(s =>
            {
                if (!IsLiteral(s.Value)) return s;
                var value = string.Join(' ', PythonText.SplitWhitespace(s.Value!.ToLowerInvariant()));
                var index = values.IndexOf(value);
                if (index < 0)
                {
                    values.Add(value);
                    index = values.Count - 1;
                }
                return s with { Value = Placeholder(index + 1) };
            })],
        });
        return (DialogueAct.Canonical([.. delexicalized]), values);
    }

    /// <summary>
    /// The utterance with every run of a value's words (lower-cased, split on whitespace) replaced by the value's
    /// placeholder, longer values first so that a value inside another is not cut out of it; words joined by single spaces.
    /// </summary>
    public static string Target(string utterance, IReadOnlyList<string> values)
    {
        ArgumentNullException.ThrowIfNull(utterance);
        ArgumentNullException.ThrowIfNull(values);
        var words = PythonText.SplitWhitespace(utterance.ToLowerInvariant()).ToList();
        foreach (var (value, index) in values.Select((v, i) => (v, i)).OrderByDescending(p => PythonText.SplitWhitespace(p.v).Length))
        {
            var run = PythonText.SplitWhitespace(value);
            if (run.Length == 0) continue;
            for (var i = 0; i + run.Length <= words.Count; i++)
            {
                if (!words.Skip(i).Take(run.Length).SequenceEqual(run, StringComparer.Ordinal)) continue;
                words.RemoveRange(i, run.Length);
                words.Insert(i, Placeholder(index + 1));
            }
        }
        return string.Join(' ', words);
    }

    /// <summary>The generated text with each placeholder replaced by its value (a placeholder with no value is dropped).</summary>
    public static string Relexicalize(string output, IReadOnlyList<string> values)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(values);
        var filled = PlaceholderPattern().Replace(output, m =>
            int.TryParse(m.Groups[1].ValueSpan, out var n) && n >= 1 && n <= values.Count ? values[n - 1] : "");
        return string.Join(' ', PythonText.SplitWhitespace(filled));
    }

    [GeneratedRegex(@"<v(\d+)>", RegexOptions.CultureInvariant)]
    private static partial Regex PlaceholderPattern();
}
