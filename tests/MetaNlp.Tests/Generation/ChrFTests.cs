using MetaNlp.Generation;

namespace MetaNlp.Tests.Generation;

// Inputs and expected values from sacreBLEU's own chrF tests (github.com/mjpost/sacrebleu, test/test_chrf.py at
// f615c72, 2026-01-12), with the options those tests pass (β = 3 in most of them), plus one hand-worked case under
// sacreBLEU's defaults (chrF2).
public class ChrFTests
{
    private static double Score(string[] hyps, string[] refs, ChrFOptions options) => ChrF.Corpus(hyps, [refs], options);

    [Theory]
    [InlineData(new[] { "abcdefg" }, new[] { "hijklmnop" }, 0.0)]
    [InlineData(new[] { "a" }, new[] { "b" }, 0.0)]
    [InlineData(new[] { "" }, new[] { "b" }, 0.0)]
    [InlineData(new[] { "" }, new[] { "ref" }, 0.0)]
    [InlineData(new[] { "" }, new[] { "reference" }, 0.0)]
    [InlineData(new[] { "aa" }, new[] { "ab" }, 8.3333)]
    [InlineData(new[] { "a", "b" }, new[] { "a", "c" }, 8.3333)]
    [InlineData(new[] { "a" }, new[] { "a" }, 16.6667)]
    [InlineData(new[] { "a b c" }, new[] { "a b c" }, 50.0)]
    [InlineData(new[] { "a b c" }, new[] { "abc" }, 50.0)]
    [InlineData(new[] { " risk assessment must be made of those who are qualified and expertise in the sector - these are the scientists ." },
        new[] { "risk assessment has to be undertaken by those who are qualified and expert in that area - that is the scientists ." }, 63.361730)]
    [InlineData(new[] { " Die    Beziehung zwischen  Obama und Netanjahu ist nicht gerade  freundlich. " },
        new[] { "Das Verhältnis zwischen Obama und Netanyahu ist nicht gerade freundschaftlich." }, 64.1302698)]
    [InlineData(new[] { "Niemand hat die Absicht, eine Mauer zu errichten" }, new[] { "Niemand hat die Absicht, eine Mauer zu errichten" }, 100.0)]
    public void EpsilonSmoothedChrF3EqualsSacreBleu(string[] hyps, string[] refs, double expected) =>
        Assert.Equal(expected, Score(hyps, refs, new ChrFOptions { Beta = 3, EpsilonSmoothing = true }), 1e-4);

    [Theory]
    [InlineData(new[] { "a" }, new[] { "a" }, 100.0)]
    [InlineData(new[] { "" }, new[] { "reference" }, 0.0)]
    [InlineData(new[] { "a b c" }, new[] { "a b c" }, 100.0)]
    [InlineData(new[] { "a b c" }, new[] { "abc" }, 100.0)]
    [InlineData(new[] { "" }, new[] { "c" }, 0.0)]
    [InlineData(new[] { "a", "b" }, new[] { "a", "c" }, 50.0)]
    [InlineData(new[] { "aa" }, new[] { "ab" }, 25.0)]
    public void EffectiveOrderChrF3EqualsSacreBleu(string[] hyps, string[] refs, double expected) =>
        Assert.Equal(expected, Score(hyps, refs, new ChrFOptions { Beta = 3 }), 1e-4);

    [Theory]
    [InlineData("Die Beziehung zwischen Obama und Netanjahu ist nicht gerade freundlich.",
        "Das Verhältnis zwischen Obama und Netanyahu ist nicht gerade freundschaftlich.", 67.3481606)]
    [InlineData("risk assessment must be made of those who are qualified and expertise in the sector - these are the scientists .",
        "risk assessment has to be undertaken by those who are qualified and expert in that area - that is the scientists .", 65.2414427)]
    public void WhitespaceKeptEqualsSacreBleu(string hyp, string reference, double expected) =>
        Assert.Equal(expected, Score([hyp], [reference], new ChrFOptions { Beta = 3, IncludeWhitespace = true }), 1e-4);

    [Theory]
    [InlineData("Co nás nejvíc trápí, protože lékaři si vybírají, kdo bude žít a kdo zemře.",
        "Nejvíce smutní jsme z toho, že musíme rozhodovat o tom, kdo bude žít a kdo zemře.", 39.14078509)]
    [InlineData("Nebo prostě nemají vybavení, které by jim pomohlo, uvedli lékaři.",
        "A někdy nemáme ani potřebný materiál, abychom jim pomohli, popsali lékaři.", 31.22557079)]
    [InlineData("Lapali po dechu, jejich životy skončily dřív, než skutečně začaly.",
        "Lapali po dechu a pak jejich život skončil - dřív, než skutečně mohl začít, připomněli.", 57.15704367)]
    public void SentenceChrF2EqualsSacreBleu(string hyp, string reference, double expected) =>
        Assert.Equal(expected, Score([hyp], [reference], new ChrFOptions { EpsilonSmoothing = true }), 1e-4);

    [Fact]
    public void DefaultChrF2MatchesAHandWorkedCase()
    {
        // "ab" against "abc": 1-grams P = 2/2, R = 2/3; 2-grams P = 1/1, R = 1/2; 3- to 6-grams have no hypothesis
        // n-grams and drop out. Mean P = 1, mean R = 7/12; F2 = 5·P·R / (4P + R) = (35/12) / (55/12) = 7/11.
        Assert.Equal(100.0 * 7 / 11, ChrF.Corpus(["ab"], [["abc"]]), 1e-9);
    }

    [Fact]
    public void TheBestReferenceOfASegmentCounts()
    {
        var alone = ChrF.Corpus(["the cat sat"], [["the cat sat"]]);
        var withWorse = ChrF.Corpus(["the cat sat"], [["a dog ran"], ["the cat sat"]]);
        Assert.Equal(100.0, alone, 1e-9);
        Assert.Equal(alone, withWorse, 1e-12);
    }
}
