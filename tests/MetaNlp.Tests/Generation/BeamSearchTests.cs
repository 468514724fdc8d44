using MetaNlp.Generation;
using static TorchSharp.torch;

namespace MetaNlp.Tests.Generation;

public class BeamSearchTests
{
    private const int Begin = 2, End = 3, A = 4, B = 5, Vocabulary = 6, MaxLength = 3;

    // A tiny model worked by hand: P(next | prefix) over {a, b, end} (other ids impossible).
    //   []    : a .6, b .4
    //   [a]   : a .45, b .4, end .15
    //   [b]   : end .9, a .05, b .05
    //   [a a] : end .5, a .25, b .25
    //   [a b], [b a], [b b] : end 1
    // With at most 3 tokens the outputs are: a·end .09, a·a·end .135, a·b·end .24, b·end .36, b·a·end .02, b·b·end .02.
    // Greedy follows a (.6) then a (.45): "a a" (.135). By probability (alpha 0) the best is "b" (.36); by mean
    // log-probability (alpha 1) it is "a b": ln(.24)/3 = -0.4757 beats ln(.36)/2 = -0.5108.
    private static readonly Dictionary<string, (int Id, double P)[]> Table = new()
    {
        [""] = [(A, .6), (B, .4)],
        ["a"] = [(A, .45), (B, .4), (End, .15)],
        ["b"] = [(End, .9), (A, .05), (B, .05)],
        ["a a"] = [(End, .5), (A, .25), (B, .25)],
        ["a b"] = [(End, 1.0)],
        ["b a"] = [(End, 1.0)],
        ["b b"] = [(End, 1.0)],
    };

    private static string Key(IEnumerable<int> prefix) => string.Join(' ', prefix.Where(t => t != Begin).Select(t => t == A ? "a" : "b"));

    private static Tensor Step(IReadOnlyList<int[]> prefixes)
    {
        var values = new double[prefixes.Count * Vocabulary];
        Array.Fill(values, double.NegativeInfinity);
        for (var i = 0; i < prefixes.Count; i++)
            foreach (var (id, p) in Table[Key(prefixes[i])]) values[i * Vocabulary + id] = Math.Log(p);
        return tensor(values, [prefixes.Count, Vocabulary], ScalarType.Float64);
    }

    // Every complete output of the table with its score, found by enumeration: the exact best to compare with.
    private static (int[] Tokens, double Score) Exhaustive(double alpha)
    {
        var outputs = new List<(int[], double)>();
        void Walk(List<int> prefix, double logP)
        {
            foreach (var (id, p) in Table[Key(prefix)])
            {
                var lp = logP + Math.Log(p);
                if (id == End) outputs.Add(([.. prefix, End], lp / Math.Pow(prefix.Count + 1, alpha)));
                else if (prefix.Count + 1 < MaxLength) Walk([.. prefix, id], lp); // the third token must be the end
            }
        }
        Walk([], 0);
        return outputs.OrderByDescending(o => o.Item2).First();
    }

    [Fact]
    public void GreedyTakesTheLocallyBestTokens() => Assert.Equal([A, A, End], BeamSearch.Greedy(Step, Begin, End, 3));

    [Fact]
    public void BeamWithoutLengthNormalisationFindsTheMostProbableOutput()
    {
        var best = BeamSearch.Search(Step, Begin, End, width: 2, maxLength: 3, alpha: 0);
        Assert.Equal([B, End], best.Tokens);
        Assert.Equal(Math.Log(.36), best.LogProbability, 1e-12);
        Assert.Equal(Exhaustive(0).Tokens, best.Tokens);
    }

    [Fact]
    public void BeamWithLengthNormalisationFindsTheBestMeanLogProbability()
    {
        var best = BeamSearch.Search(Step, Begin, End, width: 2, maxLength: 3, alpha: 1);
        Assert.Equal([A, B, End], best.Tokens);
        Assert.Equal(Math.Log(.24) / 3, best.Score, 1e-12);
        Assert.Equal(Exhaustive(1).Tokens, best.Tokens);
    }

    [Fact]
    public void WidthOneIsGreedy() =>
        Assert.Equal(BeamSearch.Greedy(Step, Begin, End, 3), BeamSearch.Search(Step, Begin, End, width: 1, maxLength: 3).Tokens);
}
