using MetaNlp.Data;

namespace MetaNlp.Tests.Data;

public class ClassSamplerTests
{
    private static readonly IReadOnlyList<TextExample> Pool = ToyData.Examples(classes: 7, perClass: 6);
    private static readonly EpisodeSamplerOptions Shape = new() { Ways = 3, Shots = 2, Queries = 2 };

    private static EpisodeSampler Uniform(int seed = 3) => new(Pool, ToyData.Classes(0, 7), Shape, seed);

    private static int[] Indices(EpisodeSampler inner, Episode episode) =>
        [.. episode.Classes.Select(n => inner.Classes.ToList().IndexOf(n))];

    [Fact]
    public void BalancedCountsNeverDifferByMoreThanOneAndMatchTheRule()
    {
        var inner = Uniform();
        var balanced = new BalancedClassSampler(inner, seed: 3);
        var counts = new long[7];
        for (long t = 0; t < 100; t++)
        {
            // After t episodes of 3 ways over 7 classes, every class was drawn floor(3t/7) or ceil(3t/7) times.
            Assert.All(counts, n => Assert.InRange(n, 3 * t / 7, (3 * t + 6) / 7));
            Assert.Equal(counts, balanced.CountsBefore(t));
            var episode = balanced.Sample(t);
            Assert.Equal(3, episode.Classes.Distinct().Count());
            foreach (int c in Indices(inner, episode)) counts[c]++;
        }
        // Uniform draws of the same run are not balanced this tightly (the rule is the sampler's, not chance's).
        var uniform = new long[7];
        for (long t = 0; t < 100; t++) foreach (int c in Indices(inner, inner.Sample(t))) uniform[c]++;
        Assert.True(uniform.Max() - uniform.Min() > 1, $"uniform counts {string.Join(",", uniform)}");
    }

    [Fact]
    public void BalancedEpisodeIIsTheSameWhateverWasDrawnBefore()
    {
        var straight = new BalancedClassSampler(Uniform(), seed: 3);
        var drawn = Enumerable.Range(0, 40).Select(i => straight.Sample(i)).ToArray();
        // A fresh sampler (a resumed run) asked for episode 25 first, then going back, draws the same episodes.
        var resumed = new BalancedClassSampler(Uniform(), seed: 3);
        AssertSameEpisode(drawn[25], resumed.Sample(25));
        AssertSameEpisode(drawn[7], resumed.Sample(7));
        AssertSameEpisode(drawn[39], resumed.Sample(39));
        // Another seed draws other episodes.
        var other = new BalancedClassSampler(Uniform(seed: 4), seed: 4);
        Assert.NotEqual(
            string.Join("|", Enumerable.Range(0, 10).Select(i => string.Join(",", drawn[i].Classes))),
            string.Join("|", Enumerable.Range(0, 10).Select(i => string.Join(",", other.Sample(i).Classes))));
    }

    [Fact]
    public void CurriculumDrawsOnlyTheEasiestClassesAtFirstAndAllBySHalfTheRun()
    {
        var inner = Uniform();
        double[] difficulty = [0.9, 0.1, 0.5, 0.3, 0.7, 0.2, 0.6]; // easiest first: 1, 5, 3, 2, 6, 4, 0
        var curriculum = new CurriculumClassSampler(inner, difficulty, runEpisodes: 100, seed: 3);
        Assert.Equal([1, 5, 3, 2, 6, 4, 0], curriculum.EasiestFirst);
        // P(i) = 3 + floor(4 * min(1, 2i/100)).
        Assert.Equal(3, curriculum.PoolSize(0));
        Assert.Equal(3, curriculum.PoolSize(12));
        Assert.Equal(4, curriculum.PoolSize(13));
        Assert.Equal(5, curriculum.PoolSize(25));
        Assert.Equal(7, curriculum.PoolSize(50));
        Assert.Equal(7, curriculum.PoolSize(99));
        for (long i = 0; i < 100; i++)
        {
            var allowed = curriculum.EasiestFirst.Take(curriculum.PoolSize(i)).ToHashSet();
            Assert.All(Indices(inner, curriculum.Sample(i)), c => Assert.Contains(c, allowed));
        }
        // The first episodes are exactly the three easiest classes; the hardest class appears once the pool is whole.
        Assert.Equal(new[] { 1, 3, 5 }, Indices(inner, curriculum.Sample(0)).Order());
        Assert.Contains(Enumerable.Range(50, 50), i => Indices(inner, curriculum.Sample(i)).Contains(0));
        // Reproducible: a fresh sampler draws the same episode.
        AssertSameEpisode(curriculum.Sample(61), new CurriculumClassSampler(Uniform(), difficulty, 100, 3).Sample(61));
    }

    [Fact]
    public void ClassDifficultyIsTheNearestOtherClassCosineOfMeanWordVectors()
    {
        // Hand-worked: a = "x y" (unit vector (1,1)/sqrt2 over x,y), b = "x z" ((1,1)/sqrt2 over x,z), c = "w".
        // cos(a,b) = (1/2) / 1 = 0.5; c shares no word with either.
        TextExample[] pool = [new("x y", "a"), new("X, y", "a"), new("x z", "b"), new("x z", "b"), new("w", "c"), new("w w", "c")];
        var sampler = new EpisodeSampler(pool, ["a", "b", "c"], new EpisodeSamplerOptions { Ways = 2, Shots = 1, Queries = 1 }, 1);
        var difficulty = ClassDifficulty.Measure(sampler);
        Assert.Equal(0.5, difficulty[0], 12);
        Assert.Equal(0.5, difficulty[1], 12);
        Assert.Equal(0.0, difficulty[2], 12);
    }

    [Fact]
    public void ChosenClassesMustBeWaysDistinctValidIndices()
    {
        var inner = Uniform();
        Assert.Throws<ArgumentException>(() => inner.Sample(0, [0, 0, 1]));
        Assert.Throws<ArgumentException>(() => inner.Sample(0, [0, 1]));
        Assert.Throws<ArgumentException>(() => inner.Sample(0, [0, 1, 7]));
        Assert.Throws<ArgumentException>(() => new CurriculumClassSampler(inner, [0.1, 0.2], 10, 1));
    }

    private static void AssertSameEpisode(Episode a, Episode b)
    {
        Assert.Equal(a.Classes, b.Classes);
        Assert.Equal(a.Support, b.Support);
        Assert.Equal(a.Query, b.Query);
    }
}
