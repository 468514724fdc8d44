using MetaNlp.Generation;

namespace MetaNlp.Tests.Generation;

public class SlotErrorRateTests
{
    [Fact]
    public void ParsesTheRnnlgFewShotWozAndSgdForms()
    {
        var rnnlg = DialogueAct.ParseAll("inform(name='kappa japanese restaurant';area='lower pacific heights';pricerange=moderate)");
        Assert.Single(rnnlg);
        Assert.Equal("inform", rnnlg[0].Name);
        Assert.Equal([new DialogueSlot("name", "kappa japanese restaurant"), new DialogueSlot("area", "lower pacific heights"), new DialogueSlot("pricerange", "moderate")], rnnlg[0].Slots);

        var woz = DialogueAct.ParseAll("request ( area = ? ; type = ? ) @ inform ( choice = 79 )");
        Assert.Equal(["request", "inform"], woz.Select(a => a.Name));
        Assert.Equal(new DialogueSlot("area", "?"), woz[0].Slots[0]);
        Assert.Equal(new DialogueSlot("choice", "79"), woz[1].Slots[0]);

        var sgd = DialogueAct.ParseAll("INFORM(phone_number=(415) 555-5788;account_type=checking, savings)");
        Assert.Equal([new DialogueSlot("phone_number", "(415) 555-5788"), new DialogueSlot("account_type", "checking, savings")], sgd[0].Slots);
    }

    [Fact]
    public void MalformedActIsAFormatError() => Assert.Throws<FormatException>(() => DialogueAct.ParseAll("inform name=x"));

    [Fact]
    public void CountsMissingAndRedundantSlotsByHand()
    {
        string[] acts =
        [
            "inform(name='hakka restaurant';pricerange=moderate)",        // 2 slots, both said: 0 errors
            "inform(name='red door cafe';area=marina;kidsallowed=yes)",   // 2 counted slots (yes is not said); area missing
            "request(area=?) @ inform(count=2;type=hotel)",               // 2 counted; "2" said twice: 1 redundant
        ];
        string[] outputs =
        [
            "hakka restaurant is moderate -ly priced",
            "red door cafe allows kids",
            "there are 2 hotel -s , 2 of them near you . which area ?",
        ];
        var counts = SlotErrorRate.Count(acts, outputs);
        Assert.Equal(new SlotErrorCounts(6, 1, 1), counts);
        Assert.Equal(2.0 / 6, counts.Rate, 1e-12);
    }

    [Fact]
    public void ValuesMatchWholeTokensOnly()
    {
        // "moderate" is not realised by "moderately": values must occur as whole tokens.
        var counts = SlotErrorRate.Count(["inform(pricerange=moderate)"], ["it is moderately priced"]);
        Assert.Equal(new SlotErrorCounts(1, 1, 0), counts);
    }
}
