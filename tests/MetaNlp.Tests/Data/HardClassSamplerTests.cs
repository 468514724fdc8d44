using MetaNlp.Data;

namespace MetaNlp.Tests.Data;

public class HardClassSamplerTests
{
    private static readonly IReadOnlyList<TextExample> Pool = ToyData.Examples(classes: 7, perClass: 6);
    private static readonly EpisodeSamplerOptions Shape = new() { Ways = 3, Shots = 2, Queries = 2 };

    private static EpisodeSampler Uniform(int seed = 3) => new(Pool, ToyData.Classes(0, 7), Shape, seed);

    private static readonly double[] ErrorTable = [0.9, 0.0, 0.5, 0.2, 0.7, 0.05, 0.3];

    // Within 4.5 standard deviations of a binomial proportion over n draws (about 1 in 150,000 per check by chance).
    private static void AssertFrequency(double expected, long hits, long n, string what)
    {
        double observed = (double)hits / n, tolerance = 4.5 * Math.Sqrt(expected * (1 - expected) / n);
        Assert.True(Math.Abs(observed - expected) <= tolerance, $"{what}: drawn {observed:F4}, expected {expected:F4} +- {tolerance:F4}");
    }

    // P(class c is among the k drawn) for successive draws without replacement proportional to w, by enumerating
    // every ordered draw: an independent computation of the rule the sampler states (pair probability 0).
    private static double[] InclusionProbabilities(double[] w, int k)
    {
        var inclusion = new double[w.Length];
        void Walk(bool[] taken, int depth, double probability)
        {
            if (depth == k) return;
            double rest = w.Where((_, c) => !taken[c]).Sum();
            for (int c = 0; c < w.Length; c++)
            {
                if (taken[c]) continue;
                double p = probability * w[c] / rest;
                inclusion[c] += p;
                taken[c] = true;
                Walk(taken, depth + 1, p);
                taken[c] = false;
            }
        }
        Walk(new bool[w.Length], 0, 1);
        return inclusion;
    }

    [Theory]
    [InlineData(1.0, 0.1)]
    [InlineData(0.5, 0.05)]
    [InlineData(3.0, 0.2)]
    public void DrawFrequenciesMatchTheStatedWeights(double temperature, double floor)
    {
        var sampler = new HardClassSampler(Uniform(), new HardSamplerOptions { Temperature = temperature, Floor = floor, PairProbability = 0 }, seed: 3);
        sampler.SetEstimates(ErrorTable);
        double[] w = [.. ErrorTable.Select(e => Math.Pow(e + floor, 1 / temperature))];
        Assert.Equal(w, sampler.Weights(), (a, b) => Math.Abs(a - b) < 1e-12);

        const int n = 20_000;
        var first = new long[7];
        var included = new long[7];
        for (long i = 0; i < n; i++)
        {
            var picked = sampler.Pick(i);
            Assert.Equal(3, picked.Distinct().Count());
            first[picked[0]]++;
            foreach (int c in picked) included[c]++;
        }
        var inclusion = InclusionProbabilities(w, 3);
        Assert.Equal(3.0, inclusion.Sum(), 9);
        for (int c = 0; c < 7; c++)
        {
            AssertFrequency(w[c] / w.Sum(), first[c], n, $"first class {c}");
            AssertFrequency(inclusion[c], included[c], n, $"class {c} in an episode");
        }
    }

    [Fact]
    public void TheFloorKeepsAClassTheModelNeverGetsWrongDrawable()
    {
        // Class 1 is never wrong and the others always are: with a floor of 0.02 it still has weight 0.02 against 1.02.
        var sampler = new HardClassSampler(Uniform(), new HardSamplerOptions { Floor = 0.02, Temperature = 1, PairProbability = 0 }, seed: 5);
        sampler.SetEstimates([1, 0, 1, 1, 1, 1, 1]);
        Assert.All(sampler.Weights(), w => Assert.True(w >= 0.02));
        const int n = 20_000;
        long drawn = Enumerable.Range(0, n).Count(i => sampler.Pick(i).Contains(1));
        var inclusion = InclusionProbabilities([1.02, 0.02, 1.02, 1.02, 1.02, 1.02, 1.02], 3);
        Assert.True(drawn > 0);
        AssertFrequency(inclusion[1], drawn, n, "the never-wrong class");
    }

    [Fact]
    public void WithPairProbabilityOneTheRestAreTheFirstClassesConfusedPartners()
    {
        var sampler = new HardClassSampler(Uniform(), new HardSamplerOptions { Floor = 0.001, PairProbability = 1 }, seed: 7);
        var confusion = new double[49];
        confusion[0 * 7 + 4] = 0.8; // class 0's queries go to class 4, class 4's to class 2
        confusion[4 * 7 + 2] = 0.6;
        sampler.SetEstimates([1, 0, 0, 0, 0, 0, 0], confusion);
        int startsWithZero = 0, withFour = 0;
        for (long i = 0; i < 5000; i++)
        {
            var picked = sampler.Pick(i);
            if (picked[0] != 0) continue;
            startsWithZero++;
            if (picked.Contains(4)) withFour++;
        }
        // P(first = 0) = 1.001 / 1.007; partner weights of 0: class 4 has 0.8 + 0.001, five others 0.001 each.
        Assert.True(startsWithZero > 4900, $"{startsWithZero}");
        Assert.True(withFour >= startsWithZero * 0.98, $"{withFour} of {startsWithZero}");

        // With pair probability 0 the same table draws class 4 no more often than any other zero-error class.
        var plain = new HardClassSampler(Uniform(), new HardSamplerOptions { Floor = 0.001, PairProbability = 0 }, seed: 7);
        plain.SetEstimates([1, 0, 0, 0, 0, 0, 0], confusion);
        int plainFour = Enumerable.Range(0, 5000).Count(i => plain.Pick(i).Contains(4));
        Assert.InRange(plainFour, 5000 * 2 / 6 - 300, 5000 * 2 / 6 + 300);
    }

    [Fact]
    public void ObserveMovesTheEstimatesByTheDecayAsComputedByHand()
    {
        var inner = Uniform();
        var sampler = new HardClassSampler(inner, new HardSamplerOptions { Decay = 0.75 }, seed: 3);
        Assert.All(sampler.Errors, e => Assert.Equal(2.0 / 3, e, 12));
        var episode = sampler.Sample(0);
        int[] c = [.. episode.Classes.Select(name => inner.Classes.ToList().IndexOf(name))];
        // Queries: two per class, in class order. Class at position 0: both right; position 1: one called 0, one
        // right; position 2: both called 1.
        Assert.Equal([0, 0, 1, 1, 2, 2], episode.QueryLabels);
        sampler.Observe(0, episode, [0, 0, 0, 1, 1, 1]);
        Assert.Equal(0.75 * 2 / 3 + 0.25 * 0, sampler.Errors[c[0]], 12);
        Assert.Equal(0.75 * 2 / 3 + 0.25 * 0.5, sampler.Errors[c[1]], 12);
        Assert.Equal(0.75 * 2 / 3 + 0.25 * 1, sampler.Errors[c[2]], 12);
        Assert.Equal(0.75 / 3 + 0.25 * 0.5, sampler.Confusion(c[1], c[0]), 12);
        Assert.Equal(0.75 / 3 + 0.25 * 1, sampler.Confusion(c[2], c[1]), 12);
        Assert.Equal(0.75 / 3, sampler.Confusion(c[2], c[0]), 12);
        Assert.Equal(0.75 / 3, sampler.Confusion(c[0], c[2]), 12);
        int absent = Enumerable.Range(0, 7).First(k => !c.Contains(k));
        Assert.Equal(2.0 / 3, sampler.Errors[absent], 12);
        Assert.Equal(1, sampler.Observed);
    }

    [Fact]
    public void EpisodesMustBeDrawnAndObservedInOrder()
    {
        var sampler = new HardClassSampler(Uniform(), new HardSamplerOptions(), seed: 3);
        var episode = sampler.Sample(0);
        var ahead = Assert.Throws<InvalidOperationException>(() => sampler.Sample(1));
        Assert.Contains("episode 0 next", ahead.Message);
        Assert.Throws<ArgumentException>(() => sampler.Observe(1, episode, [0, 0, 1, 1, 2, 2]));
        Assert.Contains("6 queries", Assert.Throws<ArgumentException>(() => sampler.Observe(0, episode, [0, 1])).Message);
        Assert.Throws<ArgumentException>(() => sampler.Observe(0, episode, [0, 0, 1, 1, 2, 3]));
        sampler.Observe(0, episode, [0, 0, 1, 1, 2, 2]);
        Assert.Equal(1, sampler.Observed);
    }

    [Fact]
    public void ARestoredStateDrawsWhatTheUninterruptedSamplerDrew()
    {
        // Feedback that depends on the episode: the first query of each class is called class position 0.
        static int[] Predictions(Episode e) => [.. e.QueryLabels.Select((label, j) => j % 2 == 0 ? 0 : label)];
        var straight = new HardClassSampler(Uniform(), new HardSamplerOptions { PairProbability = 0.5 }, seed: 9);
        var drawn = new List<string>();
        TaskSamplerState? atTen = null;
        for (long i = 0; i < 30; i++)
        {
            if (i == 10) atTen = straight.State;
            var episode = straight.Sample(i);
            drawn.Add(string.Join(",", episode.Query.Select(q => q.Text)));
            straight.Observe(i, episode, Predictions(episode));
        }
        var resumed = new HardClassSampler(Uniform(), new HardSamplerOptions { PairProbability = 0.5 }, seed: 9);
        resumed.Restore(atTen!);
        Assert.Equal(10, resumed.Observed);
        for (long i = 10; i < 30; i++)
        {
            var episode = resumed.Sample(i);
            Assert.Equal(drawn[(int)i], string.Join(",", episode.Query.Select(q => q.Text)));
            resumed.Observe(i, episode, Predictions(episode));
        }
        Assert.Equal(straight.State.Values, resumed.State.Values);
        // The feedback changes the draws: a sampler told every answer is right draws other classes.
        var easy = new HardClassSampler(Uniform(), new HardSamplerOptions { PairProbability = 0.5 }, seed: 9);
        var easyDrawn = new List<string>();
        for (long i = 0; i < 30; i++)
        {
            var episode = easy.Sample(i);
            easyDrawn.Add(string.Join(",", episode.Query.Select(q => q.Text)));
            easy.Observe(i, episode, episode.QueryLabels);
        }
        Assert.NotEqual(drawn, easyDrawn);
    }

    [Fact]
    public void AStateOfAnotherSamplerOrClassCountIsRefused()
    {
        var sampler = new HardClassSampler(Uniform(), new HardSamplerOptions(), seed: 3);
        Assert.Contains("'balanced'", Assert.Throws<ArgumentException>(() => sampler.Restore(new TaskSamplerState("balanced", 0, sampler.State.Values))).Message);
        Assert.Contains("other training classes", Assert.Throws<ArgumentException>(() => sampler.Restore(new TaskSamplerState("hard", 0, [0.5, 0.5]))).Message);
        Assert.Throws<ArgumentException>(() => sampler.Restore(new TaskSamplerState("hard", 0, [.. sampler.State.Values.Select(_ => 1.5)])));
    }

    [Theory]
    [InlineData(0.0, 1.0, 0.5, 0.9, "Floor")]
    [InlineData(0.1, 0.0, 0.5, 0.9, "Temperature")]
    [InlineData(0.1, 1.0, 1.5, 0.9, "PairProbability")]
    [InlineData(0.1, 1.0, 0.5, 1.0, "Decay")]
    [InlineData(double.NaN, 1.0, 0.5, 0.9, "Floor")]
    public void BadOptionsAreRefusedByName(double floor, double temperature, double pair, double decay, string name)
    {
        var options = new HardSamplerOptions { Floor = floor, Temperature = temperature, PairProbability = pair, Decay = decay };
        var e = Assert.Throws<ArgumentOutOfRangeException>(options.Validate);
        Assert.Equal(name, e.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => new HardClassSampler(Uniform(), options, seed: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MetaNlp.Models.MetaTrainerOptions { Sampler = "hard", HardSampler = options }.Validate());
    }
}
