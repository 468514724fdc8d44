using MetaNlp.Data;

namespace MetaNlp.Tests.Data;

public class EpisodeSamplerTests
{
    private static readonly IReadOnlyList<TextExample> Pool = ToyData.Examples(classes: 12, perClass: 15);

    [Fact]
    public void EpisodesHaveTheRightShapeAndNeverShareAnExampleOverManySeeds()
    {
        var classes = ToyData.Classes(0, 10);
        var options = new EpisodeSamplerOptions { Ways = 5, Shots = 3, Queries = 4 };
        for (int seed = 0; seed < 40; seed++)
        {
            var sampler = new EpisodeSampler(Pool, classes, options, seed);
            for (int i = 0; i < 10; i++)
            {
                var e = sampler.Sample(i);
                Assert.Equal(5, e.Classes.Distinct().Count());
                Assert.All(e.Classes, c => Assert.Contains(c, classes));
                Assert.Equal(15, e.Support.Count);
                Assert.Equal(20, e.Query.Count);
                Assert.Empty(e.Support.Intersect(e.Query, ReferenceEqualityComparer.Instance));
                Assert.Equal(e.Support.Count + e.Query.Count, e.Support.Concat(e.Query).Distinct(ReferenceEqualityComparer.Instance).Count());
                for (int c = 0; c < 5; c++)
                {
                    Assert.Equal(3, e.SupportLabels.Count(l => l == c));
                    Assert.Equal(4, e.QueryLabels.Count(l => l == c));
                }
                for (int j = 0; j < e.Support.Count; j++) Assert.Equal(e.Classes[e.SupportLabels[j]], e.Support[j].Label);
                for (int j = 0; j < e.Query.Count; j++) Assert.Equal(e.Classes[e.QueryLabels[j]], e.Query[j].Label);
            }
        }
    }

    [Fact]
    public void TheSameSeedGivesTheSameEpisodesAndAnotherSeedOthers()
    {
        var classes = ToyData.Classes(0, 12);
        var options = new EpisodeSamplerOptions { Ways = 5, Shots = 1, Queries = 5 };
        string Key(Episode e) => string.Join("|", e.Classes) + "#" + string.Join("|", e.Support.Concat(e.Query).Select(x => x.Text));
        var a = new EpisodeSampler(Pool, classes, options, 7);
        var b = new EpisodeSampler(Pool, classes, options, 7);
        var c = new EpisodeSampler(Pool, classes, options, 8);
        Assert.Equal(Enumerable.Range(0, 20).Select(i => Key(a.Sample(i))), Enumerable.Range(0, 20).Select(i => Key(b.Sample(i))));
        Assert.Equal(Key(a.Sample(13)), Key(b.Sample(13))); // random access: episode 13 does not depend on what came before
        Assert.NotEqual(Enumerable.Range(0, 20).Select(i => Key(a.Sample(i))), Enumerable.Range(0, 20).Select(i => Key(c.Sample(i))));
    }

    [Fact]
    public void EveryClassAndExampleIsUsedOverManyEpisodes()
    {
        var classes = ToyData.Classes(0, 12);
        var sampler = new EpisodeSampler(Pool, classes, new EpisodeSamplerOptions { Ways = 5, Shots = 2, Queries = 2 }, 1);
        var seenClasses = new HashSet<string>();
        var seenTexts = new HashSet<TextExample>(ReferenceEqualityComparer.Instance);
        foreach (var e in sampler.Take(0, 400))
        {
            seenClasses.UnionWith(e.Classes);
            foreach (var x in e.Support.Concat(e.Query)) seenTexts.Add(x);
        }
        Assert.Equal(12, seenClasses.Count);
        Assert.Equal(Pool.Count, seenTexts.Count);
    }

    [Fact]
    public void AClassWithTooFewExamplesIsAnErrorNamingItAndTheCounts()
    {
        var pool = Pool.Concat([new TextExample("only one", "tiny")]).ToArray();
        var e = Assert.Throws<ArgumentException>(() => new EpisodeSampler(pool, [.. ToyData.Classes(0, 5), "tiny"], new EpisodeSamplerOptions { Shots = 5, Queries = 5 }, 1));
        Assert.Contains("'tiny'", e.Message);
        Assert.Contains("has 1 examples", e.Message);
        Assert.Contains("need 10", e.Message);
    }

    [Fact]
    public void SmallClassesCanBeSkippedOnRequest()
    {
        var pool = Pool.Concat([new TextExample("only one", "tiny")]).ToArray();
        var sampler = new EpisodeSampler(pool, [.. ToyData.Classes(0, 5), "tiny"], new EpisodeSamplerOptions { Shots = 5, Queries = 5, SkipSmallClasses = true }, 1);
        Assert.DoesNotContain("tiny", sampler.Classes);
        Assert.Equal(["tiny (1)"], sampler.Skipped);
        Assert.Contains("tiny (1)", sampler.Note);
    }

    [Fact]
    public void TooFewClassesFailUnlessFewerWaysAreAllowedAndThenSaySo()
    {
        var three = ToyData.Classes(0, 3);
        var e = Assert.Throws<ArgumentException>(() => new EpisodeSampler(Pool, three, new EpisodeSamplerOptions { Ways = 5 }, 1));
        Assert.Contains("5-way", e.Message);
        var sampler = new EpisodeSampler(Pool, three, new EpisodeSamplerOptions { Ways = 5, AllowFewerWays = true }, 1);
        Assert.Equal(3, sampler.Ways);
        Assert.Contains("3-way instead of 5-way", sampler.Note);
        Assert.Equal(3, sampler.Sample(0).Ways);
    }
}
