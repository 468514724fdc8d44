using MetaNlp.Generation;

namespace MetaNlp.Tests.Generation;

// Inputs and expected values from sacreBLEU's own tests (github.com/mjpost/sacrebleu, test/test_bleu.py and
// test/test_sentence_bleu.py at f615c72, 2026-01-12); raw_corpus_bleu there is floor smoothing, no tokenisation and
// effective order.
public class BleuTests
{
    private static readonly string[] Hypotheses = ["The dog bit the man.", "It wasn't surprising.", "The man had just bitten him."];

    private static readonly string[][] References =
    [
        ["The dog bit the man.", "It was not unexpected.", "The man bit him first."],
        ["The dog had bit the man.", "No one was surprised.", "The man had bitten the dog."],
    ];

    [Fact]
    public void DefaultCorpusBleuEqualsSacreBleu()
    {
        Assert.Equal(48.530827, Bleu.Corpus(Hypotheses, References).Score, 1e-6);
        Assert.Equal(48.530827, Bleu.Corpus(Hypotheses, References, BleuSmoothing.None).Score, 1e-6);
        Assert.Equal(49.1919566, Bleu.Corpus(Hypotheses, References, tokenize: false).Score, 1e-6);
    }

    [Fact]
    public void EmptyHypothesesScoreZero() => Assert.Equal(0.0, Bleu.Corpus(["", "", ""], References).Score);

    [Theory]
    [InlineData(BleuSmoothing.Exponential, 0.1, true, 8.493)]
    [InlineData(BleuSmoothing.None, 0.1, true, 0.0)]
    [InlineData(BleuSmoothing.Floor, 0.1, true, 4.51688)]
    [InlineData(BleuSmoothing.Floor, 0.5, true, 10.10)]
    [InlineData(BleuSmoothing.Exponential, 0.1, false, 7.347)]
    public void SentenceBleuEqualsSacreBleu(BleuSmoothing smoothing, double floor, bool tokenize, double expected)
    {
        // sacreBLEU issue 98: the 13a tokeniser splits the final semicolon, and Romanian cedilla/comma letters differ.
        const string reference = "producţia de zahăr brut se exprimă în zahăr alb;";
        const string system = "Producția de zahăr primă va fi exprimată în ceea ce privește zahărul alb;";
        var score = Bleu.Corpus([system], [[reference]], smoothing, floor, tokenize, effectiveOrder: true).Score;
        Assert.Equal(expected, score, 1e-3);
    }

    [Fact]
    public void NoMatchAtAllIsZeroWhateverTheSmoothing()
    {
        foreach (var smoothing in Enum.GetValues<BleuSmoothing>())
            Assert.Equal(0.0, Bleu.Corpus(["this is a cat"], [["okay thanks"]], smoothing, effectiveOrder: true).Score);
    }

    [Theory]
    [InlineData(new[] { "this is a test", "another test" }, new[] { "ref1", "ref2" }, 0.0)]
    [InlineData(new[] { "this is a test" }, new[] { "this is a test" }, 1.0)]
    [InlineData(new[] { "this is a fest" }, new[] { "this is a test" }, 0.223606797749979)]
    [InlineData(new[] { "test" }, new[] { "a test" }, 0.3678794411714425)]
    [InlineData(new[] { "a test" }, new[] { "a test" }, 1.0)]
    [InlineData(new[] { "a little test" }, new[] { "a test" }, 0.03218297948685433)]
    public void RawCorpusBleuEqualsSacreBleu(string[] hypotheses, string[] references, double expected)
    {
        var score = Bleu.Corpus(hypotheses, [references], BleuSmoothing.Floor, 0.01, tokenize: false, effectiveOrder: true);
        Assert.Equal(expected, score.Score / 100, 1e-8);
    }

    [Fact]
    public void StatisticsAndFloorOffsetEqualSacreBleu()
    {
        string[] hyp = ["am I am a character sequence"];
        string[][] refs = [["I am a symbol string sequence a a"]];
        var score = Bleu.Corpus(hyp, refs, BleuSmoothing.Floor, 0.01, tokenize: false, effectiveOrder: true);
        Assert.Equal([4L, 2, 1, 0], score.Matches);
        Assert.Equal([6L, 5, 4, 3], score.Totals);
        Assert.Equal(0.1555722182, Bleu.Corpus(hyp, refs, BleuSmoothing.Floor, 0.1, false, true).Score / 100, 1e-8);
        Assert.Equal(0.0, Bleu.Corpus(hyp, refs, BleuSmoothing.Floor, 0.0, false, true).Score / 100, 1e-8);
    }

    [Fact]
    public void ScoreFromStatisticsEqualsSacreBleu()
    {
        var score = Bleu.FromStatistics([9, 7, 5, 3], [10, 8, 6, 4], 11, 11, BleuSmoothing.None);
        Assert.Equal(0.8375922397, score.Score / 100, 1e-8);
    }

    [Theory]
    [InlineData(new long[] { 0, 0, 0, 0 }, new long[] { 4, 4, 2, 1 }, 0, 1, 0.0)]
    [InlineData(new long[] { 0, 0, 0, 0 }, new long[] { 10, 11, 12, 0 }, 14, 10, 0.0)]
    [InlineData(new long[] { 0, 0, 0, 0 }, new long[] { 0, 0, 0, 0 }, 0, 0, 0.0)]
    [InlineData(new long[] { 6, 5, 4, 0 }, new long[] { 6, 5, 4, 3 }, 6, 6, 0.0)]
    [InlineData(new long[] { 0, 0, 0, 0 }, new long[] { 0, 0, 0, 0 }, 0, 0, 0.1)]
    [InlineData(new long[] { 0, 0, 0, 0 }, new long[] { 0, 0, 0, 0 }, 1, 5, 0.01)]
    public void DegenerateStatisticsScoreZero(long[] matches, long[] totals, long hypLength, long refLength, double floor) =>
        Assert.Equal(0.0, Bleu.FromStatistics(matches, totals, hypLength, refLength, BleuSmoothing.Floor, floor).Score);

    [Theory]
    [InlineData("The dog bit the man.", "The dog bit the man .")]
    [InlineData("It wasn't surprising.", "It wasn't surprising .")]
    [InlineData("1,000.5 and 3-4 (x) a.b", "1,000.5 and 3 - 4 ( x ) a . b")]
    [InlineData("&quot;hi&quot; &amp; <skipped>bye", "\" hi \" & bye")]
    public void Tokenizer13aSplitsAsMteval(string line, string expected) => Assert.Equal(expected, Tokenizer13a.Tokenize(line));

    [Fact]
    public void ReferenceStreamOfTheWrongLengthIsRejected() =>
        Assert.Throws<ArgumentException>(() => Bleu.Corpus(Hypotheses, [["only one"]]));
}
