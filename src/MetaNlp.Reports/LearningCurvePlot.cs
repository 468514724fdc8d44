using ScottPlot;

namespace MetaNlp.Reports;

/// <summary>
/// The learning-curve picture of a run (<see cref="FileName"/> in its folder): training loss on the left axis,
/// validation accuracy (%) with its 95% interval as a band on the right axis, both against episodes.
/// </summary>
public static class LearningCurvePlot
{
    /// <summary>The file name in a run's folder.</summary>
    public const string FileName = "learning-curve.png";

    /// <summary>Width of the picture in pixels.</summary>
    public const int Width = 900;

    /// <summary>Height of the picture in pixels.</summary>
    public const int Height = 500;

    /// <summary>The plot of <paramref name="curve"/>, not yet rendered.</summary>
    public static Plot Build(LearningCurve curve, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(curve);
        var plot = new Plot();
        plot.Title(title ?? "Learning curves");
        plot.XLabel("episode");
        plot.Axes.Left.Label.Text = "training loss";
        plot.Axes.Right.Label.Text = "validation accuracy (%)";
        if (curve.Loss.Count > 0)
        {
            var loss = plot.Add.Scatter(curve.Loss.Select(p => (double)p.Episode).ToArray(), curve.Loss.Select(p => p.Loss).ToArray());
            loss.LegendText = "training loss";
            loss.MarkerSize = curve.Loss.Count > 60 ? 0 : 4;
            loss.Color = Colors.C0;
        }
        if (curve.Validation.Count > 0)
        {
            double[] episodes = [.. curve.Validation.Select(p => (double)p.Episode)];
            double[] accuracy = [.. curve.Validation.Select(p => p.Accuracy * 100)];
            if (curve.Validation.Count > 1)
            {
                var band = plot.Add.FillY(episodes, [.. curve.Validation.Select(p => (p.Accuracy - p.Ci95) * 100)], [.. curve.Validation.Select(p => (p.Accuracy + p.Ci95) * 100)]);
                band.FillColor = Colors.C1.WithAlpha(0.25);
                band.LineWidth = 0;
                band.LegendText = "95% interval";
                band.Axes.YAxis = plot.Axes.Right;
            }
            var validation = plot.Add.Scatter(episodes, accuracy);
            validation.LegendText = "validation accuracy";
            validation.Color = Colors.C1;
            validation.MarkerSize = curve.Validation.Count > 40 ? 3 : 6;
            validation.Axes.YAxis = plot.Axes.Right;
        }
        plot.ShowLegend(Alignment.LowerRight);
        return plot;
    }

    /// <summary>Renders <paramref name="curve"/> into <paramref name="path"/> (<see cref="Width"/> x <see cref="Height"/>, atomically).</summary>
    public static void Save(LearningCurve curve, string path, string? title = null) => PngFile.Save(Build(curve, title), path, Width, Height);

    /// <summary>
    /// Renders the learning curves of the run in <paramref name="runDirectory"/> from its metrics file into
    /// <see cref="FileName"/> there; returns the picture's path, or null when the run has no metrics yet.
    /// </summary>
    public static string? SaveForRun(string runDirectory)
    {
        string metrics = Path.Combine(runDirectory, Training.MetricsLog.FileName);
        if (!File.Exists(metrics)) return null;
        var curve = LearningCurve.Read(metrics);
        if (curve.IsEmpty) return null;
        string path = Path.Combine(runDirectory, FileName);
        Save(curve, path, $"Learning curves: {Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(runDirectory)))}");
        return path;
    }

    /// <summary>
    /// <see cref="SaveForRun"/> for a trainer's progress hook: a picture that cannot be drawn or written (a full
    /// disk, a missing native SkiaSharp library) is reported through <paramref name="onFailure"/> instead of
    /// stopping the run. Returns false after such a failure, so the caller can stop trying.
    /// </summary>
    public static bool TrySaveForRun(string runDirectory, Action<string> onFailure)
    {
        ArgumentNullException.ThrowIfNull(onFailure);
        try
        {
            SaveForRun(runDirectory);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or DllNotFoundException or TypeInitializationException or BadImageFormatException)
        {
            onFailure($"the learning-curve plot was not written ({e.GetType().Name}: {e.Message}); training goes on without it.");
            return false;
        }
    }
}
