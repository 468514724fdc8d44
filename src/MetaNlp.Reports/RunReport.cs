using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using MetaNlp.Models;

namespace MetaNlp.Reports;

/// <summary>
/// The report of a training run (<c>metanlp report RUN_DIR</c>): <see cref="MarkdownFileName"/> with the run's
/// settings (from its checkpoint's spec), its validation history, its results, evaluations given from
/// <c>metanlp eval --json</c>, and the plots beside it as PNG files; optionally <see cref="HtmlFileName"/>, the same
/// content in one self-contained file with the pictures embedded as data URIs.
/// </summary>
public static class RunReport
{
    /// <summary>The Markdown report's file name in the run folder.</summary>
    public const string MarkdownFileName = "report.md";

    /// <summary>The HTML report's file name in the run folder.</summary>
    public const string HtmlFileName = "report.html";

    /// <summary>
    /// Writes the report of <paramref name="run"/> into its folder: the learning curves (redrawn from the metrics),
    /// accuracy against shots when <paramref name="evaluations"/> are given, and the projection of one episode when
    /// <paramref name="projection"/> is. Returns the paths written.
    /// </summary>
    public static IReadOnlyList<string> Write(RunFolder run, IReadOnlyList<ShotResult>? evaluations = null, EpisodeProjection? projection = null, bool html = false)
    {
        ArgumentNullException.ThrowIfNull(run);
        evaluations ??= [];
        var written = new List<string>();
        var images = new List<(string Title, string File)>();
        if (LearningCurvePlot.SaveForRun(run.Directory) is { } curve)
        {
            written.Add(curve);
            images.Add(("Learning curves", LearningCurvePlot.FileName));
        }
        if (evaluations.Count > 0)
        {
            string path = Path.Combine(run.Directory, ShotsPlot.FileName);
            ShotsPlot.Save(evaluations, path);
            written.Add(path);
            images.Add(("Accuracy against shots", ShotsPlot.FileName));
        }
        if (projection is not null)
        {
            string path = Path.Combine(run.Directory, ProjectionPlot.FileName);
            ProjectionPlot.Save(projection, path);
            written.Add(path);
            images.Add(("One episode, projected", ProjectionPlot.FileName));
        }

        var doc = new ReportDocument();
        string name = Path.GetFileName(run.Directory);
        doc.Heading(1, $"Training run {name}");
        var training = run.Spec.Training;
        doc.Paragraph($"{run.Spec.Algorithm} over the {run.Spec.Encoder.Kind} encoder"
            + (training?.Dataset is { } dataset ? $", trained on {dataset}" : "")
            + (training?.Episodes is { } e ? $", {e.Ways}-way {e.Shots}-shot episodes with {e.Queries} queries per class" : "") + ".");

        doc.Heading(2, "Results");
        var results = new List<string[]>();
        if (run.Progress is { } p)
        {
            results.Add(["episodes trained", p.EpisodesDone.ToString(CultureInfo.InvariantCulture)]);
            if (p.BestValidationAccuracy is double best) results.Add(["best validation accuracy", $"{Percent(best)} % at episode {p.BestEpisode}"]);
            if (p.StopReason is { } reason) results.Add(["stopped", reason]);
            results.Add(["training time", $"{p.TrainSeconds.ToString("F1", CultureInfo.InvariantCulture)} s"
                + (p.TrainSeconds > 0 && p.TimedEpisodes > 0 ? $" ({(p.TimedEpisodes / p.TrainSeconds).ToString("F2", CultureInfo.InvariantCulture)} episodes/s)" : "")]);
        }
        else if (training is not null)
        {
            results.Add(["episodes trained", training.EpisodesTrained.ToString(CultureInfo.InvariantCulture)]);
            if (training.ValidationAccuracy is double accuracy) results.Add(["validation accuracy of the saved model", $"{Percent(accuracy)} %"]);
        }
        if (run.ModelPath is not null) results.Add(["model", run.ModelPath]);
        doc.Table(["", ""], results);
        if (evaluations.Count > 0)
        {
            doc.Heading(3, "Evaluations");
            doc.Table(["dataset", "classes", "ways", "shots", "accuracy (%)", "file"], [.. evaluations.OrderBy(r => r.Dataset, StringComparer.Ordinal).ThenBy(r => r.Shots).Select(r => new[]
            {
                r.Dataset ?? "", r.Classes ?? "", r.Ways?.ToString(CultureInfo.InvariantCulture) ?? "", r.Shots.ToString(CultureInfo.InvariantCulture),
                $"{Percent(r.Accuracy)} ± {Percent(r.Ci95)}", Path.GetFileName(r.Source),
            })]);
        }

        foreach (var (title, file) in images)
        {
            doc.Heading(2, title);
            doc.Image(title, Path.Combine(run.Directory, file), file);
        }

        if (run.Progress is { History.Count: > 0 } progress)
        {
            doc.Heading(2, "Validation history");
            doc.Table(["episode", "training loss", "validation accuracy (%)"], [.. progress.History.Select(v => new[]
            {
                v.Episode.ToString(CultureInfo.InvariantCulture),
                v.TrainLoss is double loss ? loss.ToString("F4", CultureInfo.InvariantCulture) : "-",
                $"{Percent(v.Accuracy)} ± {Percent(v.Ci95)}",
            })]);
        }

        doc.Heading(2, "Settings");
        doc.Paragraph($"From {Path.GetFileName(run.StatePath ?? run.ModelPath)} (the model spec; the vocabulary of {run.Spec.Vocabulary.Count} tokens is left out).");
        doc.Table(["setting", "value"], [.. Settings(run.Spec)]);

        string markdown = Path.Combine(run.Directory, MarkdownFileName);
        AtomicFile.WriteAllText(markdown, doc.Markdown);
        written.Add(markdown);
        if (html)
        {
            string htmlPath = Path.Combine(run.Directory, HtmlFileName);
            AtomicFile.WriteAllText(htmlPath, doc.Html($"Training run {name}"));
            written.Add(htmlPath);
        }
        return written;
    }

    // The spec as "path = value" rows (its JSON, flattened), without the vocabulary.
    private static IEnumerable<string[]> Settings(ModelSpec spec)
    {
        var json = JsonSerializer.SerializeToNode(spec with { Vocabulary = [] }, Checkpoint.Json)!.AsObject();
        json.Remove("vocabulary");
        var rows = new List<string[]>();
        Flatten(json, "", rows);
        return rows;
    }

    private static void Flatten(JsonNode? node, string path, List<string[]> rows)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, value) in o) Flatten(value, path.Length == 0 ? key : $"{path}.{key}", rows);
                break;
            case JsonArray a when a.All(v => v is JsonValue):
                string joined = string.Join(", ", a.Select(v => v!.ToString()));
                rows.Add([path, joined.Length > 300 ? $"{joined[..300]}… ({a.Count} items)" : joined]);
                break;
            case JsonArray a:
                for (int i = 0; i < a.Count; i++) Flatten(a[i], $"{path}[{i}]", rows);
                break;
            case null:
                break;
            default:
                rows.Add([path, node.ToString()]);
                break;
        }
    }

    private static string Percent(double fraction) => (fraction * 100).ToString("F2", CultureInfo.InvariantCulture);

    // The report's content, kept once and written as Markdown and as HTML.
    private sealed class ReportDocument
    {
        private readonly StringBuilder _markdown = new();
        private readonly StringBuilder _html = new();

        public string Markdown => _markdown.ToString();

        public void Heading(int level, string text)
        {
            _markdown.Append('#', level).Append(' ').Append(text).Append("\n\n");
            _html.Append(CultureInfo.InvariantCulture, $"<h{level}>{Encode(text)}</h{level}>\n");
        }

        public void Paragraph(string text)
        {
            _markdown.Append(text).Append("\n\n");
            _html.Append(CultureInfo.InvariantCulture, $"<p>{Encode(text)}</p>\n");
        }

        public void Table(string[] headers, IReadOnlyList<string[]> rows)
        {
            _markdown.Append("| ").AppendJoin(" | ", headers.Select(Cell)).Append(" |\n|").AppendJoin("|", headers.Select(_ => "---")).Append("|\n");
            foreach (var row in rows) _markdown.Append("| ").AppendJoin(" | ", row.Select(Cell)).Append(" |\n");
            _markdown.Append('\n');
            _html.Append("<table>\n");
            if (headers.Any(h => h.Length > 0)) _html.Append("<tr>").AppendJoin("", headers.Select(h => $"<th>{Encode(h)}</th>")).Append("</tr>\n");
            foreach (var row in rows) _html.Append("<tr>").AppendJoin("", row.Select(c => $"<td>{Encode(c)}</td>")).Append("</tr>\n");
            _html.Append("</table>\n");
        }

        // Markdown links the picture beside the report; HTML embeds its bytes, so the file stands alone.
        public void Image(string alt, string path, string relative)
        {
            _markdown.Append(CultureInfo.InvariantCulture, $"![{alt}]({relative})\n\n");
            _html.Append(CultureInfo.InvariantCulture, $"<p><img alt=\"{Encode(alt)}\" src=\"data:image/png;base64,{Convert.ToBase64String(File.ReadAllBytes(path))}\"></p>\n");
        }

        public string Html(string title) => "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            + $"<title>{Encode(title)}</title>\n"
            + "<style>body{font-family:sans-serif;max-width:960px;margin:2em auto;padding:0 1em}table{border-collapse:collapse;margin:1em 0}"
            + "td,th{border:1px solid #ccc;padding:.25em .6em;text-align:left;vertical-align:top}img{max-width:100%}</style>\n</head>\n<body>\n"
            + _html + "</body>\n</html>\n";

        private static string Encode(string text) => WebUtility.HtmlEncode(text);

        // A table cell on one line, with the characters that would end or break it escaped.
        private static string Cell(string text) => text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("|", "\\|", StringComparison.Ordinal)
            .Replace("\r", " ", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
    }
}
