using MetaNlp.Generation;
using MetaNlp.Tests.Data;

namespace MetaNlp.Tests.Generation;

public class NlgDelexicalizerTests
{
    private static string Data => TestData.Directory!;

    [Fact]
    public void LiteralValuesBecomeNumberedPlaceholdersInActAndUtterance()
    {
        var (source, values) = NlgDelexicalizer.Source("inform(name='hakka restaurant';pricerange=moderate;kidsallowed=yes) @ ?request(area)");
        Assert.Equal("inform ( name = <v1> ; pricerange = <v2> ; kidsallowed = yes ) @ request ( area )", source);
        Assert.Equal(["hakka restaurant", "moderate"], values);
        Assert.Equal("<v1> is <v2> -ly priced and allows kids", NlgDelexicalizer.Target("Hakka Restaurant is moderate -ly priced and allows kids", values));
        Assert.Equal("hakka restaurant is moderate -ly priced", NlgDelexicalizer.Relexicalize("<v1> is <v2> -ly priced <v3>", values));
    }

    [Fact]
    public void ARepeatedValueHasOnePlaceholderAndALongerValueIsReplacedFirst()
    {
        var (source, values) = NlgDelexicalizer.Source("inform ( departure = ely ; destination = ely station ; day = ely )");
        Assert.Equal("inform ( departure = <v1> ; destination = <v2> ; day = <v1> )", source);
        Assert.Equal(["ely", "ely station"], values);
        // "ely station" holds "ely": replaced first, it stays whole.
        Assert.Equal("from <v2> to <v1> , <v1> again", NlgDelexicalizer.Target("from ely station to ely , ely again", values));
    }

    [Fact]
    public void TextThatIsNotAnActIsLeftAloneAndPlaceholdersFillByNumber()
    {
        Assert.Equal(("hello there", (IReadOnlyList<string>)[]), NlgDelexicalizer.Source("hello there"));
        Assert.Equal("b and a", NlgDelexicalizer.Relexicalize("<v2> and <v1>", ["a", "b"]));
    }

    [RealDataFact]
    public void EveryFewShotWozUtteranceComesBackFromItsDelexicalisedForm()
    {
        var pairs = NlgTasks.FewShotWoz(Data, "train").Concat(NlgTasks.FewShotWoz(Data, "test")).SelectMany(t => t.Pairs).ToList();
        var replaced = 0;
        foreach (var pair in pairs)
        {
            var (_, values) = NlgDelexicalizer.Source(pair.Source);
            var target = NlgDelexicalizer.Target(pair.Target, values);
            if (target.Contains("<v", StringComparison.Ordinal)) replaced++;
            Assert.Equal(string.Join(' ', pair.Target.ToLowerInvariant().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)), NlgDelexicalizer.Relexicalize(target, values));
        }
        // Most utterances say at least one value word for word.
        Assert.True(replaced > pairs.Count / 2, $"{replaced} of {pairs.Count} utterances had a value replaced");
    }

    [Fact]
    public void ADelexicalisedModelReadsValuesAsPlaceholdersAndWritesThemBack()
    {
        var vocabulary = BpeTrainer.Train(["inform ( name = <v1> )", "<v1> is here"], new BpeTrainerOptions { MergeCount = 30, LowerCase = true });
        var sizes = new Seq2SeqOptions { ModelDim = 8, Heads = 2, FeedForwardDim = 16, EncoderLayers = 1, DecoderLayers = 1 };
        var model = GenerationModel.Create(vocabulary, sizes, GenerationTaskFamily.Nlg, seed: 1, delexicalize: true);
        Assert.Equal(model.EncodeSource("inform(name='red door cafe')"), model.EncodeSource("inform ( name = hakka )"));
        var encoded = model.Encode([new GenerationPair("inform(name='red door cafe')", "red door cafe is here")]).Single();
        Assert.Equal(vocabulary.Encode("<v1> is here"), encoded.Target);
        Assert.Equal("red door cafe is here", model.Relexicalize("inform(name='red door cafe')", "<v1> is here"));
        Assert.Throws<ArgumentException>(() => GenerationModel.Create(vocabulary, sizes, GenerationTaskFamily.Translation, seed: 1, delexicalize: true));

        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "m.safetensors");
        model.Save(path);
        Assert.True(GenerationModel.Load(path).Model.Delexicalized);
        GenerationModel.Create(vocabulary, sizes, GenerationTaskFamily.Nlg, seed: 1).Save(path);
        Assert.False(GenerationModel.Load(path).Model.Delexicalized);
    }
}
