using System.Globalization;
using System.Net;
using System.Text;

namespace MetaNlp.Explain;

/// <summary>
/// Shows an <see cref="Explanation"/> to a person: the words coloured by their integrated-gradients attribution
/// (green toward the predicted class, red toward the runner-up, stronger for larger shares of the largest
/// attribution), as terminal text (ANSI colours, or plain with signs for a file or pipe) or as one self-contained
/// HTML page (inline style, no script, no link outside it).
/// </summary>
public static class ExplanationRendering
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>Each word's share of the largest absolute word attribution, in [-1, 1] (special tokens 0; all 0 when every attribution is 0).</summary>
    public static IReadOnlyList<double> Shares(TokenAttributions attributions)
    {
        ArgumentNullException.ThrowIfNull(attributions);
        double max = attributions.Words.Where(w => !w.Special).Select(w => Math.Abs(w.IntegratedGradients)).DefaultIfEmpty(0).Max();
        return [.. attributions.Words.Select(w => w.Special || max == 0 ? 0 : w.IntegratedGradients / max)];
    }

    /// <summary>
    /// The explanation as lines for a terminal: the prediction, the words coloured (with <paramref name="ansi"/>) or
    /// marked + / - (without: a word whose share is at least 0.15 gets its sign, so redirected output keeps the
    /// reading), the scores, the words' attributions, the nearest examples and a gradient learner's trace.
    /// </summary>
    public static string Text(Explanation explanation, bool ansi)
    {
        ArgumentNullException.ThrowIfNull(explanation);
        var a = explanation.Attributions;
        var shares = Shares(a);
        var text = new StringBuilder();
        int label = IndexOf(explanation, explanation.Label);
        text.Append(Invariant, $"{explanation.Label}\t{explanation.Probabilities[label]:F3}\t(runner-up {explanation.RunnerUp} {explanation.Probabilities[IndexOf(explanation, explanation.RunnerUp)]:F3})\n");
        var words = new List<string>();
        for (int i = 0; i < a.Words.Count; i++)
        {
            if (a.Words[i].Special) continue;
            words.Add(ansi ? Ansi(a.Words[i].Text, shares[i]) : Plain(a.Words[i].Text, shares[i]));
        }
        text.Append(string.Join(' ', words)).Append('\n');
        text.Append(Invariant, $"attributions: integrated gradients toward {a.Label} against {a.Against}, {a.Baseline.ToString().ToLowerInvariant()} baseline, {a.Steps} steps; ");
        text.Append(Invariant, $"sum {a.Total:F4} = gap {a.InputGap:F4} - baseline gap {a.BaselineGap:F4} (error {a.CompletenessError:G2})\n");
        text.Append("scores:");
        for (int c = 0; c < explanation.Labels.Count; c++) text.Append(Invariant, $" {explanation.Labels[c]} {explanation.Scores[c]:F3} (p {explanation.Probabilities[c]:F3});");
        text.Append("\nword\tintegrated gradients\tocclusion\n");
        foreach (var word in a.Words) text.Append(Invariant, $"{word.Text}\t{word.IntegratedGradients:F4}\t{word.Occlusion:F4}\n");
        text.Append("nearest support examples:\n");
        foreach (var n in explanation.Nearest) text.Append(Invariant, $"  {n.Similarity:F3}\t{n.Label}\t{n.Text}\n");
        if (explanation.Trace is { } trace)
        {
            text.Append("adaptation (inner steps on the support):\nstep\tsupport loss\tsupport accuracy\n");
            foreach (var step in trace.Steps) text.Append(Invariant, $"{step.Step}\t{step.SupportLoss:F4}\t{step.SupportAccuracy:F3}\n");
            text.Append("moved most (relative change): ").AppendJoin(", ", trace.Moved.Take(5).Select(m => string.Create(Invariant, $"{m.Name} {m.RelativeChange:F4}"))).Append('\n');
        }
        return text.ToString();
    }

    /// <summary>The explanation as one self-contained HTML page (UTF-8, inline style, no script).</summary>
    public static string Html(Explanation explanation)
    {
        ArgumentNullException.ThrowIfNull(explanation);
        var a = explanation.Attributions;
        var shares = Shares(a);
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Explanation: ").Append(E(explanation.Label)).Append("</title>\n<style>")
            .Append("body{font-family:system-ui,sans-serif;max-width:60em;margin:2em auto;padding:0 1em;color:#222}")
            .Append(".text{font-size:1.4em;line-height:2em}.text span{padding:.1em .2em;border-radius:.2em}")
            .Append("table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.2em .6em;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}")
            .Append(".legend span{padding:.1em .4em;margin-right:.5em}</style></head><body>\n");
        int label = IndexOf(explanation, explanation.Label), runnerUp = IndexOf(explanation, explanation.RunnerUp);
        html.Append(Invariant, $"<h1>{E(explanation.Label)} <small>({explanation.Probabilities[label]:F3}; runner-up {E(explanation.RunnerUp)} {explanation.Probabilities[runnerUp]:F3})</small></h1>\n");
        html.Append("<p class=\"text\">");
        for (int i = 0; i < a.Words.Count; i++)
        {
            if (a.Words[i].Special) continue;
            var w = a.Words[i];
            html.Append(Invariant, $"<span style=\"background:{Colour(shares[i])}\" title=\"integrated gradients {w.IntegratedGradients:F4}, occlusion {w.Occlusion:F4}\">{E(w.Text)}</span> ");
        }
        html.Append("</p>\n<p class=\"legend\"><span style=\"background:").Append(Colour(1)).Append("\">toward ").Append(E(a.Label)).Append("</span><span style=\"background:")
            .Append(Colour(-1)).Append("\">toward ").Append(E(a.Against)).Append("</span></p>\n");
        html.Append(Invariant, $"<p>Integrated gradients on the token embeddings of score({E(a.Label)}) - score({E(a.Against)}), from the {a.Baseline.ToString().ToLowerInvariant()} baseline, {a.Steps} Gauss-Legendre steps. ");
        html.Append(Invariant, $"The attributions sum to {a.Total:F4}; the gap is {a.InputGap:F4} at the text and {a.BaselineGap:F4} at the baseline (completeness error {a.CompletenessError:G2}). ");
        html.Append("Occlusion: the gap minus the gap with that token alone set to the baseline.</p>\n");
        html.Append("<h2>Words</h2><table><tr><th>word</th><th>integrated gradients</th><th>occlusion</th></tr>\n");
        foreach (var w in a.Words) html.Append(Invariant, $"<tr><td>{E(w.Text)}</td><td class=\"n\">{w.IntegratedGradients:F4}</td><td class=\"n\">{w.Occlusion:F4}</td></tr>\n");
        html.Append("</table>\n<h2>Scores</h2><table><tr><th>class</th><th>score</th><th>probability</th></tr>\n");
        foreach (int c in Enumerable.Range(0, explanation.Labels.Count).OrderByDescending(c => explanation.Scores[c]))
            html.Append(Invariant, $"<tr><td>{E(explanation.Labels[c])}</td><td class=\"n\">{explanation.Scores[c]:F4}</td><td class=\"n\">{explanation.Probabilities[c]:F4}</td></tr>\n");
        html.Append("</table>\n<h2>Nearest support examples</h2><table><tr><th>similarity</th><th>label</th><th>text</th></tr>\n");
        foreach (var n in explanation.Nearest) html.Append(Invariant, $"<tr><td class=\"n\">{n.Similarity:F3}</td><td>{E(n.Label)}</td><td>{E(n.Text)}</td></tr>\n");
        html.Append("</table>\n");
        if (explanation.Trace is { } trace)
        {
            html.Append("<h2>Adaptation</h2><table><tr><th>inner step</th><th>support loss</th><th>support accuracy</th></tr>\n");
            foreach (var s in trace.Steps) html.Append(Invariant, $"<tr><td class=\"n\">{s.Step}</td><td class=\"n\">{s.SupportLoss:F4}</td><td class=\"n\">{s.SupportAccuracy:F3}</td></tr>\n");
            html.Append("</table><table><tr><th>weight</th><th>change</th><th>relative change</th></tr>\n");
            foreach (var m in trace.Moved.Take(10)) html.Append(Invariant, $"<tr><td>{E(m.Name)}</td><td class=\"n\">{m.Change:G4}</td><td class=\"n\">{m.RelativeChange:G4}</td></tr>\n");
            html.Append("</table>\n");
        }
        html.Append("</body></html>\n");
        return html.ToString();
    }

    /// <summary>Writes <see cref="Html"/> to <paramref name="path"/> atomically (a temporary file beside it, then a rename).</summary>
    public static void SaveHtml(Explanation explanation, string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        AtomicFile.WriteAllText(path, Html(explanation));
    }

    private static int IndexOf(Explanation explanation, string label) => explanation.Labels.ToList().IndexOf(label);

    private static string E(string text) => WebUtility.HtmlEncode(text);

    // Green toward the predicted class, red toward the runner-up; opacity is the share.
    private static string Colour(double share) => share >= 0
        ? string.Create(Invariant, $"rgba(0,170,60,{Math.Min(1, share) * 0.75:F3})")
        : string.Create(Invariant, $"rgba(220,40,40,{Math.Min(1, -share) * 0.75:F3})");

    private static string Ansi(string word, double share)
    {
        // 24-bit background, white text on strong colours; near-zero words stay plain.
        if (Math.Abs(share) < 0.05) return word;
        double s = Math.Min(1, Math.Abs(share));
        int fade(int full) => (int)Math.Round(255 + (full - 255) * s);
        var (r, g, b) = share > 0 ? (fade(0), fade(170), fade(60)) : (fade(220), fade(40), fade(40));
        string fg = s > 0.5 ? "97" : "30";
        return string.Create(Invariant, $"\u001b[{fg};48;2;{r};{g};{b}m{word}\u001b[0m");
    }

    private static string Plain(string word, double share) => share >= 0.15 ? "+" + word : share <= -0.15 ? "-" + word : word;
}
