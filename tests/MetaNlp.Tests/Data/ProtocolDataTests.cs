using MetaNlp.Data;

namespace MetaNlp.Tests.Data;

public class ProtocolDataTests
{
    [Fact]
    public void TheEpisodeShapeIsTheBenchmarksWhereItHasOne()
    {
        var episodic = new BenchmarkProtocol(BenchmarkKind.Episodic, 10, [1, 5], 7, 600, "");
        Assert.Equal((10, 1, 7), (episodic.EpisodeShape.Ways, episodic.EpisodeShape.Shots, episodic.EpisodeShape.Queries));
        // An all-classes benchmark's ways are its class count, not an episode's: episodes default to 5-way.
        var allClasses = new BenchmarkProtocol(BenchmarkKind.AllClasses, 77, [10, 5], 0, 1, "");
        Assert.Equal((5, 10, 5), (allClasses.EpisodeShape.Ways, allClasses.EpisodeShape.Shots, allClasses.EpisodeShape.Queries));
        var arsc = new BenchmarkProtocol(BenchmarkKind.ArscTasks, 2, [], 0, 12, "");
        Assert.Equal((2, 5, 5), (arsc.EpisodeShape.Ways, arsc.EpisodeShape.Shots, arsc.EpisodeShape.Queries));
    }

    [Fact]
    public void ALoadedDatasetGivesItsProtocolWithTheSplitInForce()
    {
        var protocol = new BenchmarkProtocol(BenchmarkKind.Episodic, 2, [1], 1, 10, "");
        var info = new DatasetInfo("toy", "toy", "", "toy", protocol, []);
        var dataset = new TextDataset("toy", [new TextExample("a", "A"), new TextExample("b", "B")]);
        var registrySplit = new ClassSplit(["A"], [], ["B"]);
        var loaded = new LoadedDataset(info, dataset, registrySplit, protocol);

        var data = loaded.ForProtocol();
        Assert.Equal(("toy", registrySplit, BenchmarkKind.Episodic), (data.Name, data.Split, data.Kind));
        Assert.Same(EpisodicParts.Instance, data.Parts);
        var userSplit = new ClassSplit(["B"], [], ["A"]);
        Assert.Equal(userSplit, loaded.ForProtocol(userSplit).Split);

        var file = ProtocolData.Episodic("file.csv", dataset, null);
        Assert.Equal((BenchmarkKind.Episodic, (BenchmarkProtocol?)null), (file.Kind, file.Protocol));
        Assert.Contains("--split", Assert.Throws<ArgumentException>(() => file.RequireSplit()).Message, StringComparison.Ordinal);
        Assert.Equal(dataset.All, file.VocabularyExamples());
    }
}
