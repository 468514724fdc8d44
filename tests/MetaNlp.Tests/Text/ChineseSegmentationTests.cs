using MetaNlp.Text;

namespace MetaNlp.Tests.Text;

/// <summary>jieba and character segmentation, mixed scripts, and Unicode that must survive tokenization whole.</summary>
public class ChineseSegmentationTests
{
    // The accurate-mode examples of the jieba README (fxsjy/jieba): the dictionary path, then a word (杭研) found only by the HMM.
    [Theory]
    [InlineData("我来到北京清华大学", new[] { "我", "来到", "北京", "清华大学" })]
    [InlineData("他来到了网易杭研大厦", new[] { "他", "来到", "了", "网易", "杭研", "大厦" })]
    public void JiebaCutsKnownSentencesAsTheReferenceDoes(string text, string[] expected)
    {
        Assert.Equal(expected, JiebaSegmenter.Instance.Split(text, lowerCase: true));
    }

    [Fact]
    public void JiebaKeepsLatinWordsNumbersAndFullWidthPunctuationApart()
    {
        var tokens = JiebaSegmenter.Instance.Split("我想买iPhone 15，价格是5999元！", lowerCase: true);
        Assert.Equal(["我", "想", "买", "iphone", "15", "，", "价格", "是", "5999", "元", "！"], tokens);
    }

    [Fact]
    public void CharactersAreGraphemesAndEntityMarkersStayWhole()
    {
        var tokens = CharacterSegmenter.Instance.Split("[E1]北京[/E1] is 大！", lowerCase: false);
        Assert.Equal(["[E1]", "北", "京", "[/E1]", "i", "s", "大", "！"], tokens);
    }

    // An emoji with a skin-tone modifier, a family joined by zero-width joiners, a flag (two regional indicators),
    // a character outside the basic plane (𠀋, CJK Extension B), full-width letters and the ideographic space.
    [Theory]
    [InlineData(TextSegmenters.Jieba)]
    [InlineData(TextSegmenters.Characters)]
    [InlineData(TextSegmenters.Words)]
    public void EverySegmenterKeepsEveryCharacterOfMixedUnicodeText(string name)
    {
        const string text = "好评👍🏽！👨‍👩‍👧🇨🇳 𠀋字ＡＢＣ　café「引号」…";
        var tokens = TextSegmenters.For(name).Split(text, lowerCase: false);
        Assert.Equal(RemoveSpaces(text), string.Concat(tokens));
        if (name != TextSegmenters.Words)
        {
            // Neither new segmenter cuts a surrogate pair or a grapheme cluster apart.
            Assert.All(tokens, t => Assert.False(char.IsSurrogate(t[^1]) && char.IsHighSurrogate(t[^1]), t));
            Assert.Contains("👍🏽", tokens);
            Assert.Contains("👨‍👩‍👧", tokens);
            Assert.Contains("🇨🇳", tokens);
        }
    }

    [Fact]
    public void TokenizerFittedWithJiebaRoundTripsThroughItsVocabulary()
    {
        var tokenizer = WordTokenizer.Fit(["我来到北京清华大学", "北京欢迎你"], segmenter: JiebaSegmenter.Instance);
        Assert.True(tokenizer.Vocabulary.Contains("清华大学"));
        var ids = tokenizer.Encode("清华大学在北京");
        Assert.Equal(["清华大学", Vocabulary.UnknownToken, "北京"], ids.Select(i => tokenizer.Vocabulary.Tokens[i]));
    }

    [Fact]
    public void UnknownSegmentationIsAnErrorNamingTheKnownOnes()
    {
        var e = Assert.Throws<ArgumentException>(() => TextSegmenters.For("pinyin"));
        Assert.Contains("jieba", e.Message, StringComparison.Ordinal);
    }

    private static string RemoveSpaces(string text) => string.Concat(text.Where(c => !char.IsWhiteSpace(c)));
}
