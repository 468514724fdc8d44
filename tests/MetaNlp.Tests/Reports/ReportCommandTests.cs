using System.Globalization;
using System.Text;
using MetaNlp.Reports;
using MetaNlp.Tests.Cli;
using MetaNlp.Tests.Data;
using MetaNlp.Training;

namespace MetaNlp.Tests.Reports;

public class ReportCommandTests
{
    private static string Csv(TempDir dir, string name, IEnumerable<MetaNlp.Data.TextExample> examples)
    {
        var csv = new StringBuilder("text,label\n");
        foreach (var e in examples) csv.Append(CultureInfo.InvariantCulture, $"\"{e.Text}\",{e.Label}\n");
        return dir.File(name, csv.ToString());
    }

    [Fact]
    public void TrainingDrawsItsLearningCurvesAndTheReportEmbedsThemWithTheHistory()
    {
        using var dir = new TempDir();
        string csv = Csv(dir, "toy.csv", ToyData.Examples(classes: 12, perClass: 12));
        string run = Path.Combine(dir.Path, "run");
        var train = CliRunner.Run("train", "--dataset-file", csv, "--train-classes", string.Join(',', ToyData.Classes(0, 7)), "--val-classes", string.Join(',', ToyData.Classes(7, 9)),
            "--test-classes", string.Join(',', ToyData.Classes(9, 12)), "--encoder", "boe", "--embedding-dim", "16", "--ways", "2", "--shots", "2", "--queries", "2",
            "--max-episodes", "6", "--val-every", "2", "--val-episodes", "2", "--threads", "1", "--out", run);
        Assert.True(train.ExitCode == 0, train.Stderr);
        // Drawn during training, at each validation, from the metrics file.
        Assert.Equal((LearningCurvePlot.Width, LearningCurvePlot.Height), PlotTests.DecodePng(Path.Combine(run, LearningCurvePlot.FileName)));

        // The plotted validation points are the training state's history (to the metrics file's six decimals).
        var folder = RunFolder.Open(run);
        var history = folder.Progress!.History;
        Assert.Equal(4, history.Count); // before the first episode, then at 2, 4 and 6
        var curve = LearningCurve.Read(folder.MetricsPath);
        Assert.Equal(history.Select(p => p.Episode), curve.Validation.Select(p => p.Episode));
        Assert.Equal(history.Select(p => Math.Round(p.Accuracy, 6)), curve.Validation.Select(p => p.Accuracy));
        Assert.Equal(history.Select(p => Math.Round(p.Ci95, 6)), curve.Validation.Select(p => p.Ci95));
        Assert.Equal(history.Select(p => p.TrainLoss is double l ? Math.Round(l, 6) : (double?)null), curve.Validation.Select(p => p.TrainLoss));

        var pool = ToyData.Examples(classes: 12, perClass: 12).Where(e => ToyData.Classes(9, 12).Contains(e.Label)).ToList();
        string support = Csv(dir, "support.csv", pool.Where((_, i) => i % 12 < 3));
        string queries = Csv(dir, "queries.csv", pool.Where((_, i) => i % 12 is >= 3 and < 6));
        string eval1 = dir.File("eval-1.json", "{\"dataset\":\"toy\",\"classes\":\"test\",\"ways\":3,\"shots\":1,\"accuracy\":50.5,\"ci95\":3.1}\n");
        string eval5 = dir.File("eval-5.json", "{\"dataset\":\"toy\",\"classes\":\"test\",\"ways\":3,\"shots\":5,\"accuracy\":71.25,\"ci95\":2.5}\n");
        var report = CliRunner.Run("report", run, "--eval", eval1, eval5, "--support", support, "--queries", queries, "--html", "--threads", "1");
        Assert.True(report.ExitCode == 0, report.Stderr);
        Assert.Equal((ShotsPlot.Width, ShotsPlot.Height), PlotTests.DecodePng(Path.Combine(run, ShotsPlot.FileName)));
        Assert.Equal((ProjectionPlot.Width, ProjectionPlot.Height), PlotTests.DecodePng(Path.Combine(run, ProjectionPlot.FileName)));

        string markdown = File.ReadAllText(Path.Combine(run, RunReport.MarkdownFileName));
        foreach (var file in new[] { LearningCurvePlot.FileName, ShotsPlot.FileName, ProjectionPlot.FileName }) Assert.Contains($"]({file})", markdown);
        foreach (var point in history)
            Assert.Contains($"| {point.Episode} | {(point.TrainLoss is double l ? l.ToString("F4", CultureInfo.InvariantCulture) : "-")} | {(point.Accuracy * 100).ToString("F2", CultureInfo.InvariantCulture)} ± ", markdown);
        Assert.Contains("| toy | test | 3 | 5 | 71.25 ± 2.50 | eval-5.json |", markdown);
        Assert.Contains("| training.episodes.shots | 2 |", markdown);
        Assert.Contains("| algorithm | protonet |", markdown);
        string html = File.ReadAllText(Path.Combine(run, RunReport.HtmlFileName));
        Assert.Equal(3, html.Split("src=\"data:image/png;base64,").Length - 1);
        Assert.DoesNotContain(".png\"", html);
    }

    [Fact]
    public void AFolderThatIsNotARunAndBadOptionsAreClearErrors()
    {
        using var dir = new TempDir();
        string empty = Path.Combine(dir.Path, "empty");
        Directory.CreateDirectory(empty);
        var notRun = CliRunner.Run("report", empty);
        Assert.Equal(2, notRun.ExitCode);
        Assert.Contains($"'{empty}' is not a training run folder", notRun.Stderr);
        Assert.Contains("model.ckpt", notRun.Stderr);

        string missing = Path.Combine(dir.Path, "missing");
        var gone = CliRunner.Run("report", missing);
        Assert.Equal(2, gone.ExitCode);
        Assert.Contains($"'{missing}' does not exist", gone.Stderr);

        string file = dir.File("model.txt", "x");
        var aFile = CliRunner.Run("report", file);
        Assert.Equal(2, aFile.ExitCode);
        Assert.Contains("is a file, not a run folder", aFile.Stderr);

        // A damaged checkpoint is named.
        string broken = Path.Combine(dir.Path, "broken");
        dir.File(Path.Combine("broken", MetaTrainer.ModelFileName), "not a checkpoint");
        var damaged = CliRunner.Run("report", broken);
        Assert.Equal(2, damaged.ExitCode);
        Assert.Contains(MetaTrainer.ModelFileName, damaged.Stderr);

        var alone = CliRunner.Run("report", empty, "--support", file);
        Assert.Equal(2, alone.ExitCode);
        Assert.Contains("--support and --queries go together", alone.Stderr);
    }
}
