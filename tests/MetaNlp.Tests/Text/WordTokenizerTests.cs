using MetaNlp.Data;
using MetaNlp.Text;

namespace MetaNlp.Tests.Text;

public class WordTokenizerTests
{
    [Fact]
    public void SplitsWordsPunctuationAndKeepsEntityMarkersWhole()
    {
        var tokens = WordTokenizer.Split("[E1] Bill Gates [/E1] founded [E2] Microsoft [/E2], didn't he?");
        Assert.Equal(["[E1]", "bill", "gates", "[/E1]", "founded", "[E2]", "microsoft", "[/E2]", ",", "didn", "'", "t", "he", "?"], tokens);
    }

    [Fact]
    public void SplitsChineseIntoCharactersWithoutSpaces()
    {
        Assert.Equal(["我", "想", "订", "机", "票", "to", "beijing", "2", "张"], WordTokenizer.Split("我想订机票 to Beijing 2张"));
    }

    [Fact]
    public void KeepsAccentsAndCanKeepCase()
    {
        Assert.Equal(["Café", "crème"], WordTokenizer.Split("Café crème", lowerCase: false));
        Assert.Empty(WordTokenizer.Split("   "));
    }

    [Fact]
    public void VocabularyIsOrderedByFrequencyThenOrdinalAndMapsUnknownWords()
    {
        var tokenizer = WordTokenizer.Fit(["b a b", "c b a", "z"], new WordTokenizerOptions { MaxLength = 4 });
        Assert.Equal([Vocabulary.PadToken, Vocabulary.UnknownToken, "b", "a", "c", "z"], tokenizer.Vocabulary.Tokens);
        Assert.Equal([2, 3, Vocabulary.UnknownId], tokenizer.Encode("B a never"));
        Assert.Equal(4, tokenizer.Encode("a a a a a a a").Length);
    }

    [Fact]
    public void MinFrequencyAndMaxSizePruneTheVocabulary()
    {
        var tokenizer = WordTokenizer.Fit(["x x y", "x y w"], new WordTokenizerOptions { MinFrequency = 2 });
        Assert.Equal([Vocabulary.PadToken, Vocabulary.UnknownToken, "x", "y"], tokenizer.Vocabulary.Tokens);
        var small = WordTokenizer.Fit(["x x y", "x y w"], new WordTokenizerOptions { MaxVocabularySize = 3 });
        Assert.Equal(3, small.VocabularySize);
    }

    [Fact]
    public void VocabularyRejectsBadTokenLists()
    {
        Assert.Throws<ArgumentException>(() => new Vocabulary(["a", "b"]));
        Assert.Throws<ArgumentException>(() => new Vocabulary([Vocabulary.PadToken, Vocabulary.UnknownToken, "a", "a"]));
    }

    [Fact]
    public void TokenBatchPadsMasksAndHonoursMinimumLength()
    {
        using var scope = TorchSharp.torch.NewDisposeScope();
        using var batch = TokenBatch.FromIds([[5, 6, 7], [8], []], minLength: 5);
        Assert.Equal(new long[] { 3, 5 }, batch.Ids.shape);
        Assert.Equal(new long[] { 5, 6, 7, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, batch.Ids.data<long>().ToArray());
        Assert.Equal(new float[] { 1, 1, 1, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0 }, batch.Mask.data<float>().ToArray());
        Assert.Equal([3, 1, 1], batch.Lengths);
    }

    [Fact]
    public void EntityMarkersSurviveLowerCasing()
    {
        Assert.All(EntityMarkers.All, m => Assert.Equal([m], WordTokenizer.Split(m)));
    }
}
