using MetaNlp.Generation;

namespace MetaNlp.Tests.Generation;

// Inputs and expected values from rouge-score's own tests (github.com/google-research/google-research,
// rouge/rouge_scorer_test.py, and the first two lines of rouge/testdata/target.txt and prediction.txt, whose expected
// values come from ROUGE-1.5.5 runs), without stemming.
public class RougeTests
{
    private const string Target0 = "ZfbCUIUuePaiLVUlCaUXxkpu XPeWing tUHfPMuZ',-Xd Y BrUgVJing M-HV.-DgdDaY.rFDJCRing Ht-LM EKBDXkME,yz'RBr q'wtion wIojNbN wL,b .a-'XdQggyFl jB-RPP'iyOIcUxer tKM L\n";
    private const string Prediction0 = "rFDJCRtion Ht-LM EKtDXkME,yz'RBr q'wer wrojNbN wL,b .a-'XdQggyFl jB-RPP'iyOIcUxi\n";
    private const string Target1 = "KsJdPByEtAor fE-Qg Dpdbring cw-WeFyu vC MoBL Xdn g wkvcEiGvKtion BDFhrpMtion psing sbKao Q m qiing LMmer HqqLFXe,XPY,J XsurkMer ,ed nB'wH'bWVHjWFEing tQ.saefZwJtKrTlixYpMMsJing UCAPwNHeYVjDing c T BUySKtion gMPfJpwGw p'NvxAoping eu pBwMBKV'I DNxqelhu,PHPxDEq,mtion SN\n";
    private const string Prediction1 = "n cw-WeFyu vC MoBL Xdn g wkvcEiGvKtion BDFhrpMer pstion sbKao Q m qier LMmed HqqLFXe,XPY,J XsurkMeo ,ed nB'wH'bWVHjWFEer tQ.saefZwJtKrTlixYpMMNJtion UCAPwNHeYVjD\n";

    private static void Expect(RougeScore actual, double precision, double recall, double f1, double tolerance)
    {
        Assert.Equal(precision, actual.Precision, tolerance);
        Assert.Equal(recall, actual.Recall, tolerance);
        Assert.Equal(f1, actual.F1, tolerance);
    }

    [Fact]
    public void SmallCasesEqualRougeScore()
    {
        Expect(Rouge.N("testing one two", "testing", 1), 1, 1.0 / 3, 0.5, 1e-12);
        Expect(Rouge.N("testing one two", "testing one", 2), 1, 0.5, 2.0 / 3, 1e-12);
        Expect(Rouge.L("testing one two", "testing one"), 1, 2.0 / 3, 0.8, 1e-12);
        Expect(Rouge.L("testing one two", "testing two"), 1, 2.0 / 3, 0.8, 1e-12);
        Expect(Rouge.N("testing one two", "testing one", 1), 1, 2.0 / 3, 0.8, 1e-12);
    }

    [Fact]
    public void EmptyPredictionScoresZero()
    {
        Expect(Rouge.N("testing one two", "", 1), 0, 0, 0, 0);
        Expect(Rouge.N("testing one two", "", 2), 0, 0, 0, 0);
        Expect(Rouge.L("testing one two", ""), 0, 0, 0, 0);
    }

    [Fact]
    public void AgreesWithRouge155()
    {
        // rouge-score checks these to 5 decimal places (the precision ROUGE-1.5.5 prints).
        const double tol = 5e-6;
        Expect(Rouge.N(Target0, Prediction0, 1), 0.68750, 0.40741, 0.51163, tol);
        Expect(Rouge.N(Target1, Prediction1, 1), 0.65385, 0.40476, 0.50000, tol);
        Expect(Rouge.N(Target0, Prediction0, 2), 0.53333, 0.30769, 0.39024, tol);
        Expect(Rouge.N(Target1, Prediction1, 2), 0.48000, 0.29268, 0.36364, tol);
        Expect(Rouge.L(Target0, Prediction0), 0.68750, 0.40741, 0.51163, tol);
        Expect(Rouge.L(Target1, Prediction1), 0.65385, 0.40476, 0.50000, tol);
    }

    [Fact]
    public void LongestCommonSubsequenceOfRougeScoresTable()
    {
        Assert.Equal(3, Rouge.LongestCommonSubsequence(["1", "2", "3", "4", "5"], ["2", "5", "3", "4"]));
        Assert.Equal(0, Rouge.LongestCommonSubsequence(["1", "2", "3", "4", "5"], ["8", "9"]));
    }

    [Fact]
    public void TokensAreLowerCaseAsciiAlphanumericRuns() =>
        Assert.Equal(["the", "caf", "s", "2nd", "x"], Rouge.Tokenize("The Café's 2nd-X!"));

    [Fact]
    public void NOutsideOneToNineIsRejected() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Rouge.N("a", "a", 0));
}
