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
        var episode = sources.Train.Sample(0);
        Assert.All(episode.Support.Concat(episode.Query), e => Assert.Contains(e, dataset.Part("train_5")));

        // Validation asks what the test asks: the whole support set, every validation utterance, one episode.
        var validation = Assert.IsType<FixedSupportValidation>(sources.Validation);
        Assert.Equal(1, ((IEpisodeSource)validation).DistinctEpisodes);
        var check = validation.Sample(0);
        Assert.Equal(dataset.Part("train_5"), check.Support);
        Assert.Equal(dataset.Part("valid").OrderBy(e => e.Text), check.Query.OrderBy(e => e.Text));
        Assert.Equal(check, validation.Sample(7), EpisodeComparer);

        // The out-of-scope benchmark does not fine-tune on its support set: it needs a class split.
        var outOfScope = data with { Protocol = data.Protocol! with { Kind = BenchmarkKind.OutOfScope } };
        Assert.Contains("has no class split", Assert.Throws<ArgumentException>(() => TrainingSources.From(outOfScope, Shape, 3)).Message, StringComparison.Ordinal);
    }

    private static readonly IEqualityComparer<Episode> EpisodeComparer = EqualityComparer<Episode>.Create(
        (a, b) => a!.Classes.SequenceEqual(b!.Classes) && a.Support.SequenceEqual(b.Support) && a.Query.SequenceEqual(b.Query));

    [Fact]
    public void FixedSupportValidationDrawsQueriesOfTheSupportClassesOnlyAndRepeatsItsEpisodes()
    {
        TextExample[] support = [.. Of("a", 2), .. Of("b", 2), .. Of("c", 2)];
        TextExample[] valid = [.. Of("a", 6, "v "), .. Of("b", 1, "v "), .. Of("z", 4, "v ")];
        var drawn = new FixedSupportValidation(support, valid, queriesPerClass: 3, seed: 9);
        var episode = drawn.Sample(4);
        Assert.Equal(["a", "b", "c"], episode.Classes);
        Assert.Equal(support, episode.Support);
        // Three of a's six, b's only one, none of c (no validation utterance) nor of z (not a support class).
        Assert.Equal([3, 1], episode.Query.GroupBy(q => q.Label).OrderBy(g => g.Key).Select(g => g.Count()));
        Assert.Equal(episode.Query.Count, episode.Query.Distinct().Count());
        Assert.Null(((IEpisodeSource)drawn).DistinctEpisodes);
        Assert.Equal(episode, drawn.Sample(4), EpisodeComparer);
        Assert.Contains(Enumerable.Range(0, 20), i => !drawn.Sample(i).Query.SequenceEqual(episode.Query));

        var whole = new FixedSupportValidation(support, valid);
        Assert.Equal(7, whole.Sample(0).Query.Count);
        Assert.Equal(1, ((IEpisodeSource)whole).DistinctEpisodes);
        Assert.Throws<ArgumentException>(() => new FixedSupportValidation(support, [.. Of("z", 3)]));
        Assert.Throws<ArgumentException>(() => new FixedSupportValidation([.. Of("a", 2)], valid));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FixedSupportValidation(support, valid, queriesPerClass: 0));
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
