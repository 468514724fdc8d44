using System.Globalization;
using MetaNlp.Studies;
using ScottPlot;

namespace MetaNlp.Reports;

/// <summary>
/// The data-needs picture (<see cref="FileName"/>): test accuracy (%) with 95% error bars against the examples per
/// meta-training class (log scale; "all" at the mean number the cell kept), one line per number of training classes.
/// </summary>
public static class DataNeedsPlot
{
    /// <summary>The file name in a study's folder.</summary>
    public const string FileName = "data-needs.png";

    /// <summary>Width of the picture in pixels.</summary>
    public const int Width = 700;

    /// <summary>Height of the picture in pixels.</summary>
    public const int Height = 450;

    /// <summary>The plot of <paramref name="cells"/>, not yet rendered.</summary>
    /// <exception cref="ArgumentException">There are no cells.</exception>
    public static Plot Build(IReadOnlyList<DataNeedsCell> cells, string title)
    {
        ArgumentNullException.ThrowIfNull(cells);
        if (cells.Count == 0) throw new ArgumentException("No study cells to plot.", nameof(cells));
        var plot = new Plot();
        plot.Title(title);
        plot.XLabel("examples per meta-training class");
        plot.YLabel("test accuracy (%)");
        var palette = new ScottPlot.Palettes.Category10();
        int i = 0;
        foreach (var group in cells.GroupBy(c => c.Classes).OrderBy(g => g.Key))
        {
            var points = group.OrderBy(PerClass).ToArray();
            double[] xs = [.. points.Select(c => Math.Log10(PerClass(c)))];
            double[] ys = [.. points.Select(c => c.Accuracy * 100)];
            var color = palette.GetColor(i++);
            var bars = plot.Add.ErrorBar(xs, ys, [.. points.Select(c => c.Ci95 * 100)]);
            bars.Color = color;
            var line = plot.Add.Scatter(xs, ys);
            line.Color = color;
            line.MarkerSize = 7;
            line.LegendText = $"{group.Key} training classes";
        }
        // Ticks at the examples per class the cells kept, labelled in examples, on the log axis. "All" keeps a
        // slightly different mean per class count (170 and 173): ticks within 10% of the one before are left out,
        // or their labels would print over each other.
        var ticks = new List<double>();
        foreach (double t in cells.Select(PerClass).Distinct().Order())
        {
            if (ticks.Count == 0 || t > ticks[^1] * MinTickRatio) ticks.Add(t);
        }
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            [.. ticks.Select(Math.Log10)], [.. ticks.Select(t => t.ToString("0", CultureInfo.InvariantCulture))]);
        plot.ShowLegend(Alignment.LowerRight);
        return plot;
    }

    /// <summary>Renders <paramref name="cells"/> into <paramref name="path"/> (<see cref="Width"/> x <see cref="Height"/>, atomically).</summary>
    public static void Save(IReadOnlyList<DataNeedsCell> cells, string title, string path) => PngFile.Save(Build(cells, title), path, Width, Height);

    // The least ratio between neighbouring ticks of the examples axis.
    private const double MinTickRatio = 1.1;

    // "All" is plotted at the mean number of examples the cell kept per class.
    private static double PerClass(DataNeedsCell cell) => cell.ExamplesPerClass ?? Math.Round((double)cell.TrainingExamples / cell.Classes);
}
