using ScottPlot;

namespace MetaNlp.Reports;

/// <summary>The accuracy-against-shots picture (<see cref="FileName"/>): mean accuracy (%) with 95% error bars, one line per dataset and ways.</summary>
public static class ShotsPlot
{
    /// <summary>The file name in a run's folder.</summary>
    public const string FileName = "accuracy-vs-shots.png";

    /// <summary>Width of the picture in pixels.</summary>
    public const int Width = 700;

    /// <summary>Height of the picture in pixels.</summary>
    public const int Height = 450;

    /// <summary>The plot of <paramref name="results"/>, not yet rendered.</summary>
    /// <exception cref="ArgumentException">There are no results.</exception>
    public static Plot Build(IReadOnlyList<ShotResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        if (results.Count == 0) throw new ArgumentException("No evaluation results to plot.", nameof(results));
        var plot = new Plot();
        plot.Title("Accuracy against shots");
        plot.XLabel("shots per class");
        plot.YLabel("accuracy (%)");
        var palette = new ScottPlot.Palettes.Category10();
        int i = 0;
        foreach (var group in results.GroupBy(r => (r.Dataset, r.Classes, r.Ways)))
        {
            var points = group.OrderBy(r => r.Shots).ToArray();
            double[] xs = [.. points.Select(r => (double)r.Shots)];
            double[] ys = [.. points.Select(r => r.Accuracy * 100)];
            var color = palette.GetColor(i++);
            var bars = plot.Add.ErrorBar(xs, ys, [.. points.Select(r => r.Ci95 * 100)]);
            bars.Color = color;
            var line = plot.Add.Scatter(xs, ys);
            line.Color = color;
            line.MarkerSize = 7;
            line.LegendText = $"{group.Key.Dataset ?? "?"}{(group.Key.Classes is null ? "" : $" ({group.Key.Classes})")}{(group.Key.Ways is int w ? $", {w}-way" : "")}";
        }
        plot.ShowLegend(Alignment.LowerRight);
        return plot;
    }

    /// <summary>Renders <paramref name="results"/> into <paramref name="path"/> (<see cref="Width"/> x <see cref="Height"/>, atomically).</summary>
    public static void Save(IReadOnlyList<ShotResult> results, string path) => PngFile.Save(Build(results), path, Width, Height);
}
