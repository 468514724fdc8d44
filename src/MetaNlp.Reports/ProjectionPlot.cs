using ScottPlot;

namespace MetaNlp.Reports;

/// <summary>
/// The episode-projection picture (<see cref="FileName"/>): support examples as filled circles, prototypes as large
/// stars and queries as crosses, one colour per class, on the first two principal axes.
/// </summary>
public static class ProjectionPlot
{
    /// <summary>The file name in a run's folder.</summary>
    public const string FileName = "episode-projection.png";

    /// <summary>Width of the picture in pixels.</summary>
    public const int Width = 700;

    /// <summary>Height of the picture in pixels.</summary>
    public const int Height = 600;

    /// <summary>The plot of <paramref name="projection"/>, not yet rendered.</summary>
    public static Plot Build(EpisodeProjection projection)
    {
        ArgumentNullException.ThrowIfNull(projection);
        var plot = new Plot();
        plot.Title("One episode: support, prototypes and queries (PCA)");
        plot.XLabel("first principal axis");
        plot.YLabel("second principal axis");
        var palette = new ScottPlot.Palettes.Category10();
        var classes = projection.Points.Select(p => p.Label).Distinct(StringComparer.Ordinal).ToList();
        foreach (var (label, index) in classes.Select((c, i) => (c, i)))
        {
            var color = palette.GetColor(index);
            foreach (var (kind, shape, size) in new[] { (ProjectedKind.Support, MarkerShape.FilledCircle, 7f), (ProjectedKind.Query, MarkerShape.Cross, 9f), (ProjectedKind.Prototype, MarkerShape.FilledDiamond, 16f) })
            {
                var points = projection.Points.Where(p => p.Kind == kind && p.Label == label).ToArray();
                if (points.Length == 0) continue;
                var markers = plot.Add.Markers(points.Select(p => p.X).ToArray(), points.Select(p => p.Y).ToArray(), shape, size, color);
                if (kind == ProjectedKind.Prototype) markers.LegendText = label;
            }
        }
        plot.ShowLegend(Alignment.UpperRight);
        return plot;
    }

    /// <summary>Renders <paramref name="projection"/> into <paramref name="path"/> (<see cref="Width"/> x <see cref="Height"/>, atomically).</summary>
    public static void Save(EpisodeProjection projection, string path) => PngFile.Save(Build(projection), path, Width, Height);
}
