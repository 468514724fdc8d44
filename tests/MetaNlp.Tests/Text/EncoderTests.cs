using MetaNlp.Encoders;
using MetaNlp.Text;
using static TorchSharp.torch;

namespace MetaNlp.Tests.Text;

public class EncoderTests
{
    [Theory]
    [InlineData("cnn")]
    [InlineData("boe")]
    public void ATextsVectorDoesNotDependOnTheBatchPadding(string kind)
    {
        using var scope = NewDisposeScope();
        manual_seed(1);
        var encoder = EncoderFactory.Create(new EncoderOptions { Kind = kind, EmbeddingDim = 8, Filters = 4 }, 20);
        encoder.eval();
        var alone = encoder.Forward(TokenBatch.FromIds([[3, 4, 5, 6, 7, 8]], encoder.MinLength));
        var padded = encoder.Forward(TokenBatch.FromIds([[3, 4, 5, 6, 7, 8], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]], encoder.MinLength));
        Assert.True(alone[0].allclose(padded[0], rtol: 1e-5, atol: 1e-6));
        var shortAlone = encoder.Forward(TokenBatch.FromIds([[3, 4]], encoder.MinLength));
        var shortPadded = encoder.Forward(TokenBatch.FromIds([[3, 4], [1, 2, 3, 4, 5, 6, 7, 8, 9]], encoder.MinLength));
        Assert.True(shortAlone[0].allclose(shortPadded[0], rtol: 1e-5, atol: 1e-6));
    }

    [Fact]
    public void WordDropoutActsOnlyWhileTrainingAndReplacesWordsByTheUnknownToken()
    {
        using var scope = NewDisposeScope();
        manual_seed(4);
        var encoder = EncoderFactory.Create(new EncoderOptions { Kind = "boe", EmbeddingDim = 4, WordDropout = 1.0 }, 12);
        using var words = TokenBatch.FromIds([[2, 3, 4]]);
        using var unknown = TokenBatch.FromIds([[Vocabulary.UnknownId, Vocabulary.UnknownId, Vocabulary.UnknownId]]);
        encoder.eval();
        var inference = encoder.Forward(words);
        Assert.False(inference.allclose(encoder.Forward(unknown)));
        encoder.train();
        Assert.True(encoder.Forward(words).allclose(encoder.Forward(unknown)));
    }

    [Fact]
    public void ExplicitWeightsReplaceTheModulesOwn()
    {
        using var scope = NewDisposeScope();
        manual_seed(2);
        var encoder = EncoderFactory.Create(new EncoderOptions { Kind = "cnn", EmbeddingDim = 6, Filters = 3 }, 12);
        using var batch = TokenBatch.FromIds([[2, 3, 4, 5, 6]], encoder.MinLength);
        var own = encoder.Forward(batch);
        Assert.True(own.allclose(encoder.Forward(batch, encoder.Parameters())));
        var doubled = encoder.Parameters().Select((name, w) => name == "embedding" ? w.mul(2) : w);
        Assert.False(own.allclose(encoder.Forward(batch, doubled)));
        Assert.Equal(["embedding", "conv_weight.0", "conv_weight.1", "conv_weight.2", "conv_bias.0", "conv_bias.1", "conv_bias.2"], encoder.Parameters().Names);
    }

    [Fact]
    public void TheEncoderIsTwiceDifferentiableThroughItsWeights()
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        var encoder = EncoderFactory.Create(new EncoderOptions { Kind = "cnn", EmbeddingDim = 4, Filters = 2 }, 10);
        using var batch = TokenBatch.FromIds([[2, 3, 4, 5, 6], [7, 8]], encoder.MinLength);
        var weights = encoder.Parameters();
        var loss = encoder.Forward(batch).square().sum();
        var grads = autograd.grad([loss], weights.Tensors.ToArray(), retain_graph: true, create_graph: true);
        var second = autograd.grad([grads.Select(g => g.square().sum()).Aggregate((a, b) => a.add(b))], [weights["embedding"]]);
        Assert.True(second[0].abs().sum().item<float>() > 0);
    }
}
