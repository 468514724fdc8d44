using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using MetaNlp.Models;
using MetaNlp.Reports;
using MetaNlp.Training;

// plot-cost: what redrawing learning-curve.png at each validation costs a training run. A run folder's metrics file
// as MetricsLog writes it for EPISODES episodes (a loss line every 10, a validation every 100; the values are a
// smooth made-up curve: only the drawing is timed), then LearningCurvePlot.SaveForRun once (SkiaSharp and the fonts
// load) and ROUNDS more times. The last line of stdout is one JSON object.
int episodes = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10_000;
int rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20;
string run = Path.Combine(Path.GetTempPath(), $"plot-cost-{Environment.ProcessId}");
Directory.CreateDirectory(run);
try
{
    using (var log = new MetricsLog(run, lossEvery: 10))
    {
        log.Record(new TrainingEvent(0, episodes, double.NaN, new ValidationPoint(0, null, 0.5, 0.02)));
        for (int e = 1; e <= episodes; e++)
        {
            double loss = 1 / (1 + (e / 1000.0));
            log.Record(new TrainingEvent(e, episodes, loss, null));
            if (e % 100 == 0) log.Record(new TrainingEvent(e, episodes, loss, new ValidationPoint(e, loss, 0.5 + (0.3 * (1 - Math.Exp(-e / 3000.0))), 0.01)));
        }
    }
    var clock = Stopwatch.StartNew();
    LearningCurvePlot.SaveForRun(run);
    double first = clock.Elapsed.TotalMilliseconds;
    clock.Restart();
    for (int i = 0; i < rounds; i++) LearningCurvePlot.SaveForRun(run);
    double each = clock.Elapsed.TotalMilliseconds / rounds;
    var curve = LearningCurve.Read(Path.Combine(run, MetricsLog.FileName));
    Console.WriteLine(new JsonObject
    {
        ["episodes"] = episodes,
        ["loss_points"] = curve.Loss.Count,
        ["validations"] = curve.Validation.Count,
        ["first_ms"] = Math.Round(first, 1),
        ["each_ms"] = Math.Round(each, 1),
        ["png_bytes"] = new FileInfo(Path.Combine(run, LearningCurvePlot.FileName)).Length,
    }.ToJsonString());
}
finally
{
    Directory.Delete(run, recursive: true);
}
