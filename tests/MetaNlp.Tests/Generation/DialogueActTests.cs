using MetaNlp.Generation;

namespace MetaNlp.Tests.Generation;

public class DialogueActTests
{
    [Theory]
    // RNNLG: quotes dropped, the system question's '?' dropped, underscores read as spaces.
    [InlineData("inform(name='arabian nights restaurant';food=arabian;goodformeal=dinner)", "inform ( name = arabian nights restaurant ; food = arabian ; goodformeal = dinner )")]
    [InlineData("?request(area)", "request ( area )")]
    [InlineData("inform_no_match(area=marina)", "inform no match ( area = marina )")]
    [InlineData("goodbye()", "goodbye ( )")]
    // FewShotWOZ's own form is a fixed point.
    [InlineData("request ( area = ? ; type = ? ) @ inform ( choice = 79 )", "request ( area = ? ; type = ? ) @ inform ( choice = 79 )")]
    // FewShotSGD: upper-case acts, snake-case slots; values keep their text (parentheses, commas, case).
    [InlineData("REQUEST(recipient_account_name=?;account_type=checking, savings)", "request ( recipient account name = ? ; account type = checking, savings )")]
    [InlineData("INFORM(phone_number=(415) 555-5788) @ GOODBYE()", "inform ( phone number = (415) 555-5788 ) @ goodbye ( )")]
    // Not an act: left as it is.
    [InlineData("just some text", "just some text")]
    public void CanonicalFormIsFewShotWozs(string representation, string canonical) =>
        Assert.Equal(canonical, DialogueAct.Canonical(representation));

    [Fact]
    public void ANlgModelReadsEveryActFormTheSameWay()
    {
        var vocabulary = BpeTrainer.Train(["inform ( name = x ; area = y )", "x is in y"], new BpeTrainerOptions { MergeCount = 20, LowerCase = true });
        var sizes = new Seq2SeqOptions { ModelDim = 8, Heads = 2, FeedForwardDim = 16, EncoderLayers = 1, DecoderLayers = 1 };
        var nlg = GenerationModel.Create(vocabulary, sizes, GenerationTaskFamily.Nlg, seed: 1);
        Assert.Equal(nlg.EncodeSource("inform ( name = x ; area = y )"), nlg.EncodeSource("INFORM(name='x';area=y)"));
        // A translation model reads its source as it is.
        var translation = GenerationModel.Create(vocabulary, sizes, GenerationTaskFamily.Translation, seed: 1);
        Assert.NotEqual(translation.EncodeSource("inform ( name = x ; area = y )"), translation.EncodeSource("INFORM(name='x';area=y)"));
    }
}
