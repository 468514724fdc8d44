using MetaNlp.Algorithms;
using MetaNlp.Api;
using MetaNlp.Data;
using MetaNlp.Encoders;
using MetaNlp.Reports;
using MetaNlp.Studies;
using MetaNlp.Tests.Data;
using MetaNlp.Tests.Reports;
using MetaNlp.Models;

namespace MetaNlp.Tests.Studies;

/// <remarks>Serial: a cell trained again must reproduce its first result, which needs LibTorch's generator to itself.</remarks>
[Collection(SerialCollection.Name)]
public class DataNeedsStudyTests
{
    private static readonly TextDataset Toy = new("toy", ToyData.Examples(classes: 20, perClass: 12));
    private static readonly ClassSplit Split = new(ToyData.Classes(0, 12), ToyData.Classes(12, 16), ToyData.Classes(16, 20));

    private static DataNeedsOptions Options(int testEpisodes = 8) => new()
    {
        ClassCounts = [4, 12],
        ExamplesPerClass = [6, DataNeedsOptions.AllExamples],
        TestEpisodes = testEpisodes,
        Training = new MetaLearnerOptions
        {
            Learner = Learner.PrototypicalNetwork(new PrototypicalOptions { Distance = MetricDistance.Cosine }),
            Encoder = new EncoderOptions { Kind = "cnn", EmbeddingDim = 16, Filters = 8, WordDropout = 0.3 },
            Trainer = new MetaTrainerOptions { MaxEpisodes = 12, LearningRate = 1e-2, ValidateEvery = 6, ValidationEpisodes = 4, Patience = 100, CheckpointEvery = 100 },
            Episodes = new EpisodeSamplerOptions { Ways = 3, Shots = 2, Queries = 3 },
            Seed = 5,
        },
        TrainingDescription = "toy cnn",
    };

    [Fact]
    public void ASmallerCellsDataIsPartOfALargerOnesAndValidationAndTestAreKeptWhole()
    {
        var (small, smallSplit) = DataNeedsStudy.Subsample(Toy, Split, 4, 5, seed: 3);
        var (large, largeSplit) = DataNeedsStudy.Subsample(Toy, Split, 8, 10, seed: 3);
        var (again, _) = DataNeedsStudy.Subsample(Toy, Split, 4, 5, seed: 3);
        var (otherSeed, otherSplit) = DataNeedsStudy.Subsample(Toy, Split, 4, 5, seed: 4);

        Assert.Equal(4, smallSplit.Train.Count);
        Assert.Subset(largeSplit.Train.ToHashSet(), smallSplit.Train.ToHashSet());
        Assert.Equal(Split.Validation, smallSplit.Validation);
        Assert.Equal(Split.Test, smallSplit.Test);
        var smallTrain = small.All.Where(e => smallSplit.Train.Contains(e.Label)).ToList();
        Assert.Equal(4 * 5, smallTrain.Count);
        Assert.All(smallTrain.GroupBy(e => e.Label), g => Assert.Equal(5, g.Count()));
        Assert.Subset(large.All.ToHashSet(), smallTrain.ToHashSet());
        // Every validation and test example, and nothing of the training classes left out.
        var heldOut = Toy.All.Where(e => !Split.Train.Contains(e.Label)).ToList();
        Assert.Equal(heldOut, small.All.Where(e => !smallSplit.Train.Contains(e.Label)));
        Assert.Equal(small.All, again.All);
        Assert.NotEqual(smallSplit.Train.Concat(small.All.Select(e => e.Text)), otherSplit.Train.Concat(otherSeed.All.Select(e => e.Text)));
        Assert.Throws<ArgumentOutOfRangeException>(() => DataNeedsStudy.Subsample(Toy, Split, 13, null, 3));
    }

    [Fact]
    public void AStoppedStudyContinuesAtItsFirstUnfinishedCellWithTheSameResults()
    {
        using var dir = new TempDir();
        var first = new List<DataNeedsCell>();
        var cells = DataNeedsStudy.Run(Toy, Split, Options(), dir.Path, first.Add);
        Assert.Equal(4, cells.Count);
        Assert.Equal(cells, first);
        Assert.Equal([4 * 6, 4 * 12, 12 * 6, 12 * 12], cells.Select(c => c.TrainingExamples));
        Assert.True(cells.Select(c => c.Accuracy).Distinct().Count() > 1, "the cells' models differ");

        // The study was killed while it trained its third cell: the result file is missing and the run folder half-written.
        File.Delete(Path.Combine(dir.Path, "cell-12-6.json"));
        File.Delete(Path.Combine(dir.Path, "cell-12-all.json"));
        Directory.Delete(Path.Combine(dir.Path, "cell-12-all"), recursive: true);
        var retrained = new List<DataNeedsCell>();
        var continued = DataNeedsStudy.Run(Toy, Split, Options(), dir.Path, retrained.Add);

        Assert.Equal([(12, (int?)6), (12, null)], retrained.Select(c => (c.Classes, c.ExamplesPerClass)));
        Assert.Equal(cells.Select(c => c with { Seconds = 0 }), continued.Select(c => c with { Seconds = 0 }));

        var e = Assert.Throws<ArgumentException>(() => DataNeedsStudy.Run(Toy, Split, Options(testEpisodes: 9), dir.Path));
        Assert.Contains("testEpisodes", e.Message);
    }

    [Fact]
    public void TheDefaultExamplesStartAtTheFewestAnEpisodeCanBeDrawnFrom()
    {
        using var dir = new TempDir();
        // 2-shot 3-query training episodes: 5 examples, 20, and all (12 here).
        var cells = DataNeedsStudy.Run(Toy, Split, Options() with { ClassCounts = [4], ExamplesPerClass = [] }, dir.Path);
        Assert.Equal([(int?)5, 20, null], cells.Select(c => c.ExamplesPerClass));
        Assert.Equal([4 * 5, 4 * 12, 4 * 12], cells.Select(c => c.TrainingExamples));
    }

    [Fact]
    public void AGridCellTooSmallForAnEpisodeIsRefusedBeforeAnyTraining()
    {
        using var dir = new TempDir();
        var e = Assert.Throws<ArgumentException>(() => DataNeedsStudy.Run(Toy, Split, Options() with { ExamplesPerClass = [4] }, dir.Path));
        Assert.Contains("4 examples per class", e.Message);
        Assert.Throws<ArgumentException>(() => DataNeedsStudy.Run(Toy, Split, Options() with { ClassCounts = [13] }, dir.Path));
        Assert.Empty(Directory.GetDirectories(dir.Path));
    }

    [Fact]
    public void ThePlotIsAPngOfItsStatedSize()
    {
        using var dir = new TempDir();
        var cells = new[]
        {
            new DataNeedsCell(5, 30, 150, 0.30, 0.01, 1000, 0.32, 60),
            new DataNeedsCell(5, null, 4500, 0.33, 0.01, 1000, 0.35, 90),
            new DataNeedsCell(20, 30, 600, 0.31, 0.01, 1000, 0.33, 60),
            new DataNeedsCell(20, null, 18000, 0.38, 0.01, 1000, 0.40, 90),
        };
        string path = Path.Combine(dir.Path, DataNeedsPlot.FileName);
        DataNeedsPlot.Save(cells, "toy", path);
        Assert.Equal((DataNeedsPlot.Width, DataNeedsPlot.Height), PlotTests.DecodePng(path));
    }

    [Fact]
    public void TicksCloserThanTenPercentAreLabelledOnce()
    {
        // "All" kept 170 utterances per intent with 5 intents and 173 with 25: one tick, not two labels over each other.
        var cells = new[]
        {
            new DataNeedsCell(5, 10, 50, 0.95, 0.01, 150, 0.98, 60),
            new DataNeedsCell(5, null, 849, 0.95, 0.01, 150, 0.98, 60),
            new DataNeedsCell(25, 10, 250, 0.96, 0.01, 150, 0.98, 60),
            new DataNeedsCell(25, null, 4336, 0.96, 0.01, 150, 0.98, 60),
        };
        var plot = DataNeedsPlot.Build(cells, "toy");
        plot.GetImage(DataNeedsPlot.Width, DataNeedsPlot.Height).Dispose(); // a tick generator lists its ticks once it has laid out an axis
        var ticks = Assert.IsType<ScottPlot.TickGenerators.NumericManual>(plot.Axes.Bottom.TickGenerator).Ticks;
        Assert.Equal(["10", "170"], ticks.Select(t => t.Label));
    }
}
