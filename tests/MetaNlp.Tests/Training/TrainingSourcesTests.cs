using MetaNlp.Data;
using MetaNlp.Training;

namespace MetaNlp.Tests.Training;

public class TrainingSourcesTests
{
    private static readonly EpisodeSamplerOptions Shape = new() { Ways = 2, Shots = 1, Queries = 1 };

    private static IEnumerable<TextExample> Of(string label, int n, string prefix = "") =>
        Enumerable.Range(0, n).Select(i => new TextExample($"{prefix}{label} text {i}", label));

    [Fact]
    public void AFixedSupportSetIsSplitIntoHalvesOfItsSmallestClass()
    {
        var dataset = new TextDataset("toy", new Dictionary<string, IReadOnlyList<TextExample>>
        {
            ["train_5"] = [.. Of("a", 5), .. Of("b", 7)],
            ["valid"] = [.. Of("a", 5, "v "), .. Of("b", 5, "v ")],
            ["test"] = [.. Of("a", 3, "t "), .. Of("b", 3, "t ")],
        });
        var parts = new FixedSupportParts("train_5", "test") { Validation = "valid" };
        var data = new ProtocolData("toy", dataset, null, parts, new BenchmarkProtocol(BenchmarkKind.AllClasses, 2, [5], 0, 1, "toy"));

        var sources = TrainingSources.From(data, Shape, seed: 3);
        // K = 5 (the smallest class): 2 support and 3 query examples per class and episode.
        Assert.Equal(5, sources.SupportShots);
        Assert.Equal((2, 3), (sources.Sampling.Shots, sources.Sampling.Queries));
        Assert.Equal(dataset.Part("train_5").Select(e => e.Text), sources.VocabularyTexts);
        Assert.Equal(dataset.Part("train_5"), sources.LabelledExamples);
        Assert.Null(sources.Split);
        Assert.NotNull(sources.Validation);
        var episode = sources.Train.Sample(0);
        Assert.All(episode.Support.Concat(episode.Query), e => Assert.Contains(e, dataset.Part("train_5")));

        // The out-of-scope benchmark does not fine-tune on its support set: it needs a class split.
        var outOfScope = data with { Protocol = data.Protocol! with { Kind = BenchmarkKind.OutOfScope } };
        Assert.Contains("has no class split", Assert.Throws<ArgumentException>(() => TrainingSources.From(outOfScope, Shape, 3)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ArscTrainsOnTheMetaTrainingTasksAndValidatesOnTheTargetsDevFiles()
    {
        var parts = new Dictionary<string, IReadOnlyList<TextExample>>
        {
            ["m.t2.train"] = [.. Of("1", 3, "m "), .. Of("-1", 3, "m ")],
            ["a.t2.dev"] = [.. Of("1", 3, "d "), .. Of("-1", 3, "d ")],
            ["a.t2.train"] = [.. Of("1", 2, "s "), .. Of("-1", 2, "s ")],
            ["a.t2.test"] = [.. Of("1", 2, "q "), .. Of("-1", 2, "q ")],
        };
        var tasks = new ArscTasks([new ArscTask("a", "t2")], [new ArscTask("m", "t2")], []);
        var data = new ProtocolData("toy-arsc", new TextDataset("toy-arsc", parts), null, new ArscParts(tasks), null);

        var sources = TrainingSources.From(data, Shape, seed: 1);
        Assert.Equal(parts["m.t2.train"].Select(e => e.Text), sources.VocabularyTexts);
        Assert.Equal(["m.t2/1", "m.t2/-1"], sources.LabelledExamples.Select(e => e.Label).Distinct());
        Assert.All(sources.Train.Sample(0).Query, q => Assert.StartsWith("m ", q.Text, StringComparison.Ordinal));
        Assert.All(sources.Validation!.Sample(0).Query, q => Assert.StartsWith("d ", q.Text, StringComparison.Ordinal));
        Assert.Null(sources.SupportShots);
    }

    [Fact]
    public void EpisodicDataTrainsOnTheSplitsTrainingClasses()
    {
        var dataset = new TextDataset("toy", [.. Of("a", 3), .. Of("b", 3), .. Of("c", 3), .. Of("d", 3)]);
        var split = new ClassSplit(["a", "b"], ["c"], ["d"]);
        var sources = TrainingSources.From(ProtocolData.Episodic("toy", dataset, split), Shape, seed: 2);
        Assert.Equal(split, sources.Split);
        Assert.Equal(dataset.WithClasses(["a", "b"]).Select(e => e.Text), sources.VocabularyTexts);
        Assert.Null(sources.Validation); // one validation class is not enough for episodes

        var noTrain = ProtocolData.Episodic("toy", dataset, new ClassSplit([], ["c"], ["d"]));
        Assert.Contains("--train-classes", Assert.Throws<ArgumentException>(() => TrainingSources.From(noTrain, Shape, 2)).Message, StringComparison.Ordinal);
        Assert.Contains("has no class split", Assert.Throws<ArgumentException>(() => TrainingSources.From(ProtocolData.Episodic("toy", dataset, null), Shape, 2)).Message, StringComparison.Ordinal);
    }
}
