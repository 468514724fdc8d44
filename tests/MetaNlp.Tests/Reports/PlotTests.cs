using MetaNlp.Data;
using MetaNlp.Models;
using MetaNlp.Reports;
using MetaNlp.Tests.Data;
using MetaNlp.Tests.Training;
using MetaNlp.Training;
using SkiaSharp;

namespace MetaNlp.Tests.Reports;

public class PlotTests
{
    /// <summary>Decodes a PNG with SkiaSharp and returns its size; fails if the file is not a PNG.</summary>
    internal static (int Width, int Height) DecodePng(string path)
    {
        Assert.True(File.Exists(path), $"{path} was not written.");
        byte[] bytes = File.ReadAllBytes(path);
        Assert.True(bytes.AsSpan(0, 8).SequenceEqual(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }), $"{path} does not start with the PNG signature.");
        using var codec = SKCodec.Create(new MemoryStream(bytes));
        Assert.NotNull(codec);
        Assert.Equal(SKEncodedImageFormat.Png, codec.EncodedFormat);
        using var bitmap = SKBitmap.Decode(bytes);
        Assert.NotNull(bitmap);
        return (bitmap.Width, bitmap.Height);
    }

    [Fact]
    public void TheMetricsFileIsReadBackAsTheLogWroteItAndDrawnAsAPngOfTheStatedSize()
    {
        using var dir = new TempDir();
        var validations = new[] { new ValidationPoint(0, null, 0.5, 0.1), new ValidationPoint(4, 1.25, 0.625, 0.05), new ValidationPoint(8, 0.75, 0.8125, 0.04) };
        using (var log = new MetricsLog(dir.Path, lossEvery: 2))
        {
            log.Record(new TrainingEvent(0, 8, double.NaN, validations[0]));
            for (int e = 1; e <= 8; e++)
            {
                log.Record(new TrainingEvent(e, 8, e, null));
                if (e % 4 == 0) log.Record(new TrainingEvent(e, 8, e, validations[e / 4]));
            }
        }
        var curve = LearningCurve.Read(Path.Combine(dir.Path, MetricsLog.FileName));
        Assert.Equal(validations, curve.Validation);
        // One loss line per 2 episodes, each the mean of its two losses.
        Assert.Equal([new LossPoint(2, 1.5), new LossPoint(4, 3.5), new LossPoint(6, 5.5), new LossPoint(8, 7.5)], curve.Loss);

        Assert.Equal(Path.Combine(dir.Path, LearningCurvePlot.FileName), LearningCurvePlot.SaveForRun(dir.Path));
        Assert.Equal((LearningCurvePlot.Width, LearningCurvePlot.Height), DecodePng(Path.Combine(dir.Path, LearningCurvePlot.FileName)));
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp"));
    }

    [Fact]
    public void ATornLastLineIsSkippedAndABadLineElsewhereIsNamed()
    {
        using var dir = new TempDir();
        string torn = dir.File("torn.jsonl", "{\"episode\":0,\"valAccuracy\":0.5,\"valCi95\":0.1}\n{\"episode\":10,\"trainLoss\":0.9}\n{\"episode\":2");
        var curve = LearningCurve.Read(torn);
        Assert.Equal([new ValidationPoint(0, null, 0.5, 0.1)], curve.Validation);
        Assert.Equal([new LossPoint(10, 0.9)], curve.Loss);

        string bad = dir.File("bad.jsonl", "{\"episode\":0,\"valAccuracy\":0.5}\nnot json\n{\"episode\":10,\"trainLoss\":0.9}\n");
        var e = Assert.Throws<InvalidDataException>(() => LearningCurve.Read(bad));
        Assert.Contains("bad.jsonl, line 2", e.Message);
        Assert.Null(LearningCurvePlot.SaveForRun(Path.Combine(dir.Path, "no-run")));
    }

    [Fact]
    public void AccuracyAgainstShotsReadsEvalJsonAndDrawsIt()
    {
        using var dir = new TempDir();
        string one = dir.File("one.json", "{\"dataset\":\"toy\",\"classes\":\"test\",\"ways\":3,\"shots\":1,\"accuracy\":61.5,\"ci95\":2.25}\n");
        string five = dir.File("five.json", "note: something\n{\"dataset\":\"toy\",\"classes\":\"test\",\"ways\":3,\"shots\":5,\"accuracy\":80,\"ci95\":1.5}\n");
        var results = new[] { ShotResult.ReadEvalJson(one), ShotResult.ReadEvalJson(five) };
        Assert.Equal(0.615, results[0].Accuracy, 12);
        Assert.Equal(0.0225, results[0].Ci95, 12);
        Assert.Equal(5, results[1].Shots);
        string path = Path.Combine(dir.Path, ShotsPlot.FileName);
        ShotsPlot.Save(results, path);
        Assert.Equal((ShotsPlot.Width, ShotsPlot.Height), DecodePng(path));

        string allClasses = dir.File("all.json", "{\"dataset\":\"dnnc\",\"protocol\":\"AllClasses\",\"accuracy\":70}\n");
        var e = Assert.Throws<InvalidDataException>(() => ShotResult.ReadEvalJson(allClasses));
        Assert.Contains("all.json", e.Message);
        Assert.Contains("\"shots\"", e.Message);
    }

    [Fact]
    public void AnEpisodeIsProjectedWithEachPrototypeAtTheMeanOfItsSupportAndDrawn()
    {
        var model = TrainingTests.NewModel(encoder: "boe");
        model.Learner.Module.eval();
        var pool = ToyData.Examples(classes: 3, perClass: 5, seed: 3);
        var support = pool.Where((_, i) => i % 5 < 3).ToList();
        var queries = pool.Where((_, i) => i % 5 >= 3).ToList();
        var projection = EpisodeProjection.Of(model.Embedder, support, queries);
        Assert.Equal(support.Count, projection.Points.Count(p => p.Kind == ProjectedKind.Support));
        Assert.Equal(3, projection.Points.Count(p => p.Kind == ProjectedKind.Prototype));
        Assert.Equal(queries.Count, projection.Points.Count(p => p.Kind == ProjectedKind.Query));
        // PCA is an affine map, so a prototype (the mean of its class's support vectors) lands on the mean of their projections.
        foreach (var prototype in projection.Points.Where(p => p.Kind == ProjectedKind.Prototype))
        {
            var own = projection.Points.Where(p => p.Kind == ProjectedKind.Support && p.Label == prototype.Label).ToList();
            Assert.Equal(own.Average(p => p.X), prototype.X, 4);
            Assert.Equal(own.Average(p => p.Y), prototype.Y, 4);
        }
        Assert.True(projection.Points.Select(p => p.X).Distinct().Count() > 3, "The projection collapsed the points.");

        using var dir = new TempDir();
        string path = Path.Combine(dir.Path, ProjectionPlot.FileName);
        ProjectionPlot.Save(projection, path);
        Assert.Equal((ProjectionPlot.Width, ProjectionPlot.Height), DecodePng(path));

        var stray = new[] { new TextExample("what is this", "class99") };
        Assert.Contains("class99", Assert.Throws<ArgumentException>(() => EpisodeProjection.Of(model.Embedder, support, stray)).Message);
    }
}
