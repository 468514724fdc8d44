using System.Text.Json;
using MetaNlp.Data;
using MetaNlp.Training;

namespace MetaNlp.Tests.Data;

/// <summary>The FewJoint loader and registry entry against fewjoint/SOURCE.md, its shipped episodes, and its errors.</summary>
public class FewJointTests
{
    // fewjoint/SOURCE.md: 45 training domains covering 91 domain-intent pairs, 5 dev and 9 test domains, test
    // domains with 1-7 intents and 91-164 queries (test/test_k.json) each; the training file is the same in every version.
    [RealDataTheory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(10)]
    public void LoaderCountsEqualTheSourceDescription(int shots)
    {
        var loaded = DatasetRegistry.Get("fewjoint").Load(TestData.Directory!, new DatasetLoadOptions { Shots = shots });
        var episodes = Assert.IsType<FewJointParts>(loaded.Parts).Episodes;
        var train = loaded.Dataset.Part(FewJointLoader.TrainPart);
        Assert.Equal(45, train.Select(e => e.Domain).Distinct().Count());
        Assert.Equal(91, episodes.TrainingExamples(loaded.Dataset).Select(e => e.Label).Distinct().Count());
        Assert.Equal(5, episodes.Dev.Count);
        Assert.Equal(9, episodes.Test.Count);
        var intents = episodes.Test.Select(e => e.ToEpisode(loaded.Dataset).Ways).ToArray();
        Assert.Equal((1, 7), (intents.Min(), intents.Max()));
        var root = TestData.Path("fewjoint", FewJointLoader.VersionFolder(shots), "test", "test");
        var queries = episodes.Test.Select(e => RawCount(Path.Combine(root, $"{e.Name}.json"))).ToArray();
        Assert.Equal((91, 164), (queries.Min(), queries.Max()));
        // The labelled queries (correct_k) are the unlabelled test_k less the utterances in the support set.
        Assert.All(episodes.Test, e => Assert.InRange(loaded.Dataset.Part(e.QueryPart).Count, 1, RawCount(Path.Combine(root, $"{e.Name}.json"))));
        Assert.Empty(train.Select(e => e.Domain).Intersect(episodes.Test.Select(e => e.Domain)));
        Assert.Empty(episodes.Dev.Select(e => e.Domain).Intersect(episodes.Test.Select(e => e.Domain)));
    }

    [RealDataFact]
    public void TrainingDrawsFromTrainingDomainsAndValidatesOnTheDevEpisodes()
    {
        var loaded = DatasetRegistry.Get("fewjoint").Load(TestData.Directory!);
        var sources = TrainingSources.From(loaded.ForProtocol(), new EpisodeSamplerOptions { Ways = 5, Shots = 5, Queries = 5 }, 7);
        var episodes = ((FewJointParts)loaded.Parts).Episodes;
        var trainDomains = loaded.Dataset.Part(FewJointLoader.TrainPart).Select(e => e.Domain).ToHashSet();
        var episode = sources.Train.Sample(3);
        Assert.Equal(5, episode.Ways);
        Assert.All(episode.Classes, c => Assert.Contains(c[..c.IndexOf('/', StringComparison.Ordinal)], trainDomains));
        var validation = Assert.IsType<ShippedEpisodeSource>(sources.Validation);
        Assert.Equal(5, validation.Count);
        Assert.Equal(episodes.Dev[1].Domain, validation.Sample(6).Query[0].Domain);
    }

    [Fact]
    public void ReadsTheShippedEpisodesOfAFolder()
    {
        using var dir = FakeVersion(
            """[{"domain":"weather","text":"明天下雨吗","intent":"QUERY"},{"domain":"weather","text":"下周温度","intent":"TEMP"}]""",
            """[{"domain":"weather","text":"后天晴吗","intent":"QUERY","id":3}]""");
        var (dataset, episodes) = FewJointLoader.Load(dir.Path, 5);
        var test = Assert.Single(episodes.Test);
        Assert.Equal(("test_0", "weather"), (test.Name, test.Domain));
        var episode = test.ToEpisode(dataset);
        Assert.Equal(["QUERY", "TEMP"], episode.Classes);
        Assert.Equal([0], episode.QueryLabels);
        Assert.Equal(new TextExample("后天晴吗", "QUERY") { Domain = "weather" }, episode.Query[0]);
        Assert.Equal(["app/LAUNCH"], episodes.TrainingExamples(dataset).Select(e => e.Label));
    }

    [Fact]
    public void AMissingIntentNamesTheFileAndEntry()
    {
        using var dir = FakeVersion(
            """[{"domain":"weather","text":"明天下雨吗","intent":"QUERY"},{"domain":"weather","text":"下周温度"}]""",
            """[{"domain":"weather","text":"后天晴吗","intent":"QUERY"}]""");
        var e = Assert.Throws<DatasetFormatException>(() => FewJointLoader.Load(dir.Path, 5));
        Assert.EndsWith("support_0.json", e.FilePath, StringComparison.Ordinal);
        Assert.Contains("entry 1", e.Message, StringComparison.Ordinal);
        Assert.Contains("intent", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AQueryIntentOutsideTheSupportSetNamesTheFileAndEntry()
    {
        using var dir = FakeVersion(
            """[{"domain":"weather","text":"明天下雨吗","intent":"QUERY"}]""",
            """[{"domain":"weather","text":"后天晴吗","intent":"QUERY"},{"domain":"weather","text":"冷吗","intent":"TEMP"}]""");
        var e = Assert.Throws<DatasetFormatException>(() => FewJointLoader.Load(dir.Path, 5));
        Assert.EndsWith("correct_0.json", e.FilePath, StringComparison.Ordinal);
        Assert.Contains("entry 1: intent 'TEMP'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnUnshippedShotVersionIsAClearError()
    {
        var e = Assert.Throws<ArgumentException>(() => FewJointLoader.VersionFolder(2));
        Assert.Contains("1, 3, 5, 10", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ShippedEpisodesRepeatInOrder()
    {
        var a = new Episode(["x", "y"], [new TextExample("1", "x"), new TextExample("2", "y")], [new TextExample("3", "x")]);
        var b = new Episode(["x", "y", "z"], [new TextExample("1", "x"), new TextExample("2", "y"), new TextExample("4", "z")], [new TextExample("3", "z")]);
        var source = new ShippedEpisodeSource([a, b], new EpisodeSamplerOptions());
        Assert.Same(a, source.Sample(0));
        Assert.Same(b, source.Sample(3));
        Assert.Equal(2, source.Ways);
        Assert.NotNull(source.Note);
        Assert.Throws<ArgumentException>(() => new ShippedEpisodeSource([], new EpisodeSamplerOptions()));
    }

    private static int RawCount(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.GetArrayLength();
    }

    // One version folder with one dev and one test episode (both the given support and queries) and a one-line training file.
    private static TempDir FakeVersion(string support, string queries)
    {
        var dir = new TempDir();
        string v = FewJointLoader.VersionFolder(5);
        dir.File($"{v}/train/source.json", """[{"domain":"app","text":"打开uc","intent":"LAUNCH"}]""");
        foreach (var split in new[] { "dev", "test" })
        {
            dir.File($"{v}/{split}/support/support_0.json", support);
            dir.File($"{v}/{split}/correct/correct_0.json", queries);
        }
        return dir;
    }
}
