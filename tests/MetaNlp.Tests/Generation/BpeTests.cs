using MetaNlp.Generation;

namespace MetaNlp.Tests.Generation;

public class BpeTests
{
    // Sennrich et al.'s example corpus: low ×5, lower ×2, newest ×6, widest ×3.
    private static readonly string[] Corpus =
    [
        "low low low low low", "lower lower", "newest newest newest newest newest newest", "widest widest widest",
    ];

    [Fact]
    public void LearnsTheHandWorkedMerges()
    {
        // Worked by hand (ties to the ordinally first pair): e+s 9 (ties s+t</w> 9), es+t</w> 9, l+o 7,
        // e+w 6 (ties n+e, w+est</w>), ew+est</w> 6, n+ewest</w> 6, lo+w</w> 5, d+est</w> 3, i+dest</w> 3,
        // w+idest</w> 3, e+r</w> 2, lo+w 2, low+er</w> 2; then no pair is left.
        var bpe = BpeTrainer.Train(Corpus);
        (string, string)[] expected =
        [
            ("e", "s"), ("es", "t</w>"), ("l", "o"), ("e", "w"), ("ew", "est</w>"), ("n", "ewest</w>"), ("lo", "w</w>"),
            ("d", "est</w>"), ("i", "dest</w>"), ("w", "idest</w>"), ("e", "r</w>"), ("lo", "w"), ("low", "er</w>"),
        ];
        Assert.Equal(expected, bpe.Merges);
        // 4 special tokens + the 10 characters (d e i l n o r s t w) alone and with </w> + 13 merges.
        Assert.Equal(4 + 20 + 13, bpe.Count);
    }

    [Fact]
    public void MinimumPairFrequencyAndMergeCountStopTraining()
    {
        Assert.Equal(10, BpeTrainer.Train(Corpus, new BpeTrainerOptions { MinPairFrequency = 3 }).Merges.Count);
        Assert.Equal(2, BpeTrainer.Train(Corpus, new BpeTrainerOptions { MergeCount = 2 }).Merges.Count);
    }

    [Fact]
    public void EncodesUnseenWordsWithTheLearnedMerges()
    {
        var bpe = BpeTrainer.Train(Corpus);
        // lowest: l o w e s t</w> → (e,s) → (es,t</w>) → (l,o) → (lo,w) = low est</w>.
        Assert.Equal(["low", "est</w>"], bpe.Segment("lowest"));
        Assert.Equal(["newest</w>", "low</w>"], bpe.Segment("newest  low"));
    }

    [Fact]
    public void EncodeDecodeRoundTrips()
    {
        var bpe = BpeTrainer.Train(Corpus);
        foreach (var text in new[] { "lowest newer widest", "low", "we sell owls" })
            Assert.Equal(text, bpe.Decode(bpe.Encode(text)));
    }

    [Fact]
    public void UnseenCharactersAreUnknown()
    {
        var bpe = BpeTrainer.Train(Corpus);
        var ids = bpe.Encode("zoo");
        Assert.Equal(BpeVocabulary.UnknownId, ids[0]);
        Assert.Equal("<unk>oo", bpe.Decode(ids));
    }

    [Fact]
    public void SpecialTokensAreSkippedWhenDecoding()
    {
        var bpe = BpeTrainer.Train(Corpus);
        int[] ids = [BpeVocabulary.BeginId, .. bpe.Encode("low"), BpeVocabulary.EndId, BpeVocabulary.PadId];
        Assert.Equal("low", bpe.Decode(ids));
    }
}
