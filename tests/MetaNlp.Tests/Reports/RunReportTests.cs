using MetaNlp.Models;
using MetaNlp.Reports;
using MetaNlp.Tests.Data;
using MetaNlp.Tests.Training;
using MetaNlp.Training;

namespace MetaNlp.Tests.Reports;

public class RunReportTests
{
    [Fact]
    public void AFolderWithOnlyAModelGetsAReportWithItsSettingsAndNoPictures()
    {
        using var dir = new TempDir();
        Checkpoint.SaveModel(Path.Combine(dir.Path, MetaTrainer.ModelFileName), TrainingTests.NewModel(encoder: "boe"));
        var run = RunFolder.Open(dir.Path);
        Assert.Null(run.Progress);
        Assert.Null(run.StatePath);

        var written = RunReport.Write(run, html: true);
        Assert.Equal([Path.Combine(dir.Path, RunReport.MarkdownFileName), Path.Combine(dir.Path, RunReport.HtmlFileName)], written);
        string markdown = File.ReadAllText(written[0]);
        Assert.Contains("protonet over the boe encoder.", markdown);
        Assert.Contains("| encoder.kind | boe |", markdown);
        Assert.DoesNotContain("Validation history", markdown);
        Assert.DoesNotContain(".png", markdown);
        Assert.Empty(Directory.GetFiles(dir.Path, "*.png"));
        string html = File.ReadAllText(written[1]);
        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.Contains("<td>encoder.kind</td><td>boe</td>", html);
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp"));
    }
}
