using MetaNlp.Generation;

namespace MetaNlp.Tests.Generation;

public class GenerationRecipeTests
{
    [Fact]
    public void NlgRecipeIsTheMeasuredDelexicalisedModelAndOthersTheSmallOne()
    {
        var nlg = GenerationRecipe.For(GenerationTaskFamily.Nlg);
        Assert.Equal((128, 4000, true), (nlg.ModelDim, nlg.MergeCount, nlg.Delexicalize));
        foreach (var family in new[] { GenerationTaskFamily.Translation, GenerationTaskFamily.Summarization })
        {
            var recipe = GenerationRecipe.For(family);
            Assert.Equal((64, 2000, false), (recipe.ModelDim, recipe.MergeCount, recipe.Delexicalize));
        }
    }

    [Fact]
    public void SizesTakeTheRecipeWidthUnlessGivenAndKeepTheFeedForwardTwiceAsWide()
    {
        var recipe = GenerationRecipe.For(GenerationTaskFamily.Nlg);
        var fresh = recipe.Sizes();
        Assert.Equal((128, 256, 4, 2, 2), (fresh.ModelDim, fresh.FeedForwardDim, fresh.Heads, fresh.EncoderLayers, fresh.DecoderLayers));
        var given = recipe.Sizes(width: 32, heads: 2, layers: 1);
        Assert.Equal((32, 64, 2, 1, 1), (given.ModelDim, given.FeedForwardDim, given.Heads, given.EncoderLayers, given.DecoderLayers));
        given.Validate();
    }
}
