using MetaNlp.Text;

namespace MetaNlp.Tests.Text;

public class VisibleTextTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" \t\r\n\u00A0\u2003\u3000")] // spaces, including no-break, em and ideographic
    [InlineData("\u200B\u200C\u200D\u2060\uFEFF")] // zero-width space, non-joiner, joiner, word joiner, BOM
    [InlineData("\u200E\u200F\u202A\u202E\u2066")] // bidirectional marks and embeddings
    [InlineData("\u0000\u0007\u001B\u007F\u0085")] // control characters
    [InlineData("\u00AD\u034F\uFE0F\u20DD")] // soft hyphen, grapheme joiner, variation selector, enclosing circle
    [InlineData("\u3164\u115F\u1160\uFFA0\u2800")] // Hangul fillers, blank Braille
    public void NothingToReadIsBlank(string? text) => Assert.True(VisibleText.IsBlank(text));

    [Theory]
    [InlineData("a")]
    [InlineData("\u200Bhello\u200B")]
    [InlineData("東")]
    [InlineData("😀")]
    [InlineData("-")]
    [InlineData("\u0301e")]
    [InlineData("٣")]
    public void AnyVisibleCharacterIsText(string text) => Assert.False(VisibleText.IsBlank(text));

    [Fact]
    public void ALoneSurrogateIsBlank() => Assert.True(VisibleText.IsBlank("\uD800\u200B")); // not as InlineData: xUnit would replace it

    [Fact]
    public void RequireNamesWhatIsBlank()
    {
        var e = Assert.Throws<ArgumentException>(() => VisibleText.Require("\u200B", "--text 2"));
        Assert.StartsWith("--text 2 has no visible character", e.Message);
        Assert.Equal("ok", VisibleText.Require("ok", "--text 1"));
    }
}
