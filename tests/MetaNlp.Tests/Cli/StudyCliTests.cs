using System.Globalization;
using System.Text;
using System.Text.Json;
using MetaNlp.Reports;
using MetaNlp.Tests.Data;
using MetaNlp.Tests.Reports;

namespace MetaNlp.Tests.Cli;

/// <summary>`metanlp study data-needs` on a user's file: the table, the CSV and the plot, and bad grids refused with exit 2.</summary>
public class StudyCliTests
{
    [Fact]
    public void DataNeedsWritesItsTableCsvAndPlotOnAUsersFile()
    {
        using var dir = new TempDir();
        var csv = new StringBuilder("text,label\n");
        foreach (var e in ToyData.Examples(classes: 12, perClass: 12)) csv.Append(CultureInfo.InvariantCulture, $"\"{e.Text}\",{e.Label}\n");
        string file = dir.File("toy.csv", csv.ToString());
        string study = Path.Combine(dir.Path, "study");
        string[] args =
        [
            "study", "data-needs", "--dataset-file", file, "--train-classes", string.Join(',', ToyData.Classes(0, 7)),
            "--val-classes", string.Join(',', ToyData.Classes(7, 9)), "--test-classes", string.Join(',', ToyData.Classes(9, 12)),
            "--encoder", "cnn", "--embedding-dim", "16", "--filters", "8", "--ways", "3", "--shots", "2", "--queries", "3",
            "--class-counts", "3,7", "--examples-per-class", "6,all", "--max-episodes", "6", "--val-every", "3", "--val-episodes", "3",
            "--test-episodes", "5", "--threads", "1", "--out", study, "--json",
        ];
        var r = CliRunner.Run(args);
        Assert.True(r.ExitCode == 0, $"exit {r.ExitCode}; stderr: {r.Stderr}");
        using var json = JsonDocument.Parse(r.Stdout);
        var cells = json.RootElement.GetProperty("cells").EnumerateArray().ToList();
        Assert.Equal([3, 3, 7, 7], cells.Select(c => c.GetProperty("classes").GetInt32()));
        Assert.Equal([18, 36, 42, 84], cells.Select(c => c.GetProperty("training_examples").GetInt32()));
        var lines = File.ReadAllLines(Path.Combine(study, "data-needs.csv"));
        Assert.Equal(5, lines.Length);
        Assert.StartsWith("3,6,18,", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("7,all,84,", lines[4], StringComparison.Ordinal);
        Assert.Equal((DataNeedsPlot.Width, DataNeedsPlot.Height), PlotTests.DecodePng(Path.Combine(study, DataNeedsPlot.FileName)));

        // Run again: every cell is read back, none trained again.
        var again = CliRunner.Run(args);
        Assert.True(again.ExitCode == 0, $"exit {again.ExitCode}; stderr: {again.Stderr}");
        Assert.DoesNotContain("cell ", again.Stderr, StringComparison.Ordinal);
        Assert.Equal(lines, File.ReadAllLines(Path.Combine(study, "data-needs.csv")));
    }

    [Theory]
    [InlineData("--class-counts", "3,x")]
    [InlineData("--examples-per-class", "0")]
    public void ABadGridIsExit2NamingTheOption(string option, string value)
    {
        var r = CliRunner.Run("study", "data-needs", "--dataset", "huffpost", option, value, "--out", Path.Combine(Path.GetTempPath(), $"metanlp-study-{Guid.NewGuid():N}"));
        Assert.True(r.ExitCode == 2, $"exit {r.ExitCode}; stderr: {r.Stderr}");
        Assert.Contains(option, r.Stderr, StringComparison.Ordinal);
    }
}
