using System.Text.Json.Nodes;
using MetaNlp.Models;
using MetaNlp.Tests.Data;
using MetaNlp.Training;

namespace MetaNlp.Tests.Training;

public class MetricsLogTests
{
    private static List<JsonObject> Lines(string dir) =>
        File.ReadAllLines(Path.Combine(dir, MetricsLog.FileName)).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();

    [Fact]
    public void ValidationsAndMeanLossesAreLinesAndAResumedRunDropsWhatCameAfterItsState()
    {
        using var dir = new TempDir();
        using (var log = new MetricsLog(dir.Path, lossEvery: 4))
        {
            log.Record(new TrainingEvent(0, 20, double.NaN, new ValidationPoint(0, null, 0.5, 0.1)));
            // Meta-batches of 3: episodes 3, 6, 9, 12; a line whenever a multiple of 4 is passed (at 6 and 9 and 12).
            foreach (var (episode, loss) in new[] { (3L, 1.0), (6L, 3.0), (9L, 5.0), (12L, 7.0) }) log.Record(new TrainingEvent(episode, 20, loss, null));
            log.Record(new TrainingEvent(12, 20, 7.0, new ValidationPoint(12, 4.0, 0.75, 0.05)));
        }
        var lines = Lines(dir.Path);
        Assert.Equal([0L, 6, 9, 12, 12], lines.Select(l => (long)l["episode"]!));
        Assert.Equal(0.5, (double)lines[0]["valAccuracy"]!);
        Assert.Null(lines[0]["trainLoss"]);
        Assert.Equal(2.0, (double)lines[1]["trainLoss"]!); // the mean of 1 and 3
        Assert.Equal(5.0, (double)lines[2]["trainLoss"]!);
        Assert.Equal(0.75, (double)lines[4]["valAccuracy"]!);

        // Killed after episode 12 with its state saved at 6: a torn last line and the lines after 6 go.
        File.AppendAllText(Path.Combine(dir.Path, MetricsLog.FileName), "{\"episode\":1");
        using (var resumed = new MetricsLog(dir.Path, resumedAt: 6, lossEvery: 4))
            resumed.Record(new TrainingEvent(9, 20, 2.0, null));
        Assert.Equal([0L, 6, 9], Lines(dir.Path).Select(l => (long)l["episode"]!));
    }

    [Fact]
    public void NothingIsWrittenBeforeTheFirstEvent()
    {
        using var dir = new TempDir();
        string path = dir.File(MetricsLog.FileName, "{\"episode\":0,\"valAccuracy\":0.9}\n");
        using (new MetricsLog(dir.Path)) { } // a run refused before it starts
        Assert.Equal("{\"episode\":0,\"valAccuracy\":0.9}\n", File.ReadAllText(path));
    }
}
