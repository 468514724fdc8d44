using MetaNlp.Encoders;
using MetaNlp.Text;
using static TorchSharp.torch;

namespace MetaNlp.Tests.Text;

public class EncoderTests
{
    private static EncoderOptions Small(string kind) => new() { Kind = kind, EmbeddingDim = 8, Filters = 4, HiddenSize = 5, AttentionSize = 3, Heads = 2, FeedForwardSize = 12, Layers = 2, MaxPositions = 20 };

    [Theory]
    [InlineData("cnn")]
    [InlineData("boe")]
    [InlineData("bilstm")]
    [InlineData("transformer")]
    public void ATextsVectorDoesNotDependOnTheBatchPadding(string kind)
    {
        using var scope = NewDisposeScope();
        manual_seed(1);
        var encoder = EncoderFactory.Create(Small(kind), 20);
        encoder.eval();
        var alone = encoder.Forward(TokenBatch.FromIds([[3, 4, 5, 6, 7, 8]], encoder.MinLength));
        var padded = encoder.Forward(TokenBatch.FromIds([[3, 4, 5, 6, 7, 8], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]], encoder.MinLength));
        Assert.True(alone[0].allclose(padded[0], rtol: 1e-5, atol: 1e-6));
        var shortAlone = encoder.Forward(TokenBatch.FromIds([[3, 4]], encoder.MinLength));
        var shortPadded = encoder.Forward(TokenBatch.FromIds([[3, 4], [1, 2, 3, 4, 5, 6, 7, 8, 9]], encoder.MinLength));
        Assert.True(shortAlone[0].allclose(shortPadded[0], rtol: 1e-5, atol: 1e-6));
    }

    [Fact]
    public void TheCnnEqualsAFloat64ConvolutionOfEachTextAlone()
    {
        // The reference runs LibTorch's conv1d in float64 on each text by itself (padded only up to the widest
        // filter), so it checks the unfolded-window product, the padding mask and the max over windows at once.
        using var scope = NewDisposeScope();
        manual_seed(7);
        var options = new EncoderOptions { Kind = "cnn", EmbeddingDim = 32, Filters = 16 };
        var encoder = (CnnEncoder)EncoderFactory.Create(options, 50);
        encoder.eval();
        var random = new Random(3);
        var texts = Enumerable.Range(0, 40).Select(_ => Enumerable.Range(0, random.Next(1, 26)).Select(_ => random.Next(2, 50)).ToArray()).ToArray();
        var ours = encoder.Forward(TokenBatch.FromIds(texts, encoder.MinLength));
        Assert.False(ours.isnan().any().item<bool>());

        var weights = encoder.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().to(float64));
        for (int row = 0; row < texts.Length; row++)
        {
            var ids = texts[row].Concat(Enumerable.Repeat(0, Math.Max(0, encoder.MinLength - texts[row].Length))).Select(i => (long)i).ToArray();
            var x = weights["embedding"].index_select(0, tensor(ids)).t().unsqueeze(0);          // [1, D, T]
            x[.., .., texts[row].Length..] = zeros(1);                                                // padding is zeroed
            var expected = cat(options.FilterWidths.Select((width, i) =>
            {
                var conv = nn.functional.conv1d(x, weights[$"conv_weight.{i}"], weights[$"conv_bias.{i}"]);   // [1, F, T-w+1]
                int windows = Math.Max(texts[row].Length - width, 0) + 1;
                return nn.functional.relu(conv[.., .., ..windows].amax([-1]));
            }).ToArray(), 1);
            Assert.True(ours[row].to(float64).allclose(expected[0], rtol: 1e-5, atol: 1e-5), $"text {row} (length {texts[row].Length})");
        }
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

    [Theory]
    [InlineData("cnn")]
    [InlineData("bilstm")]
    [InlineData("transformer")]
    public void TheEncoderIsTwiceDifferentiableThroughItsWeights(string kind)
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        var encoder = EncoderFactory.Create(Small(kind) with { EmbeddingDim = 4 }, 10);
        using var batch = TokenBatch.FromIds([[2, 3, 4, 5, 6], [7, 8]], encoder.MinLength);
        var weights = encoder.Parameters();
        var loss = encoder.Forward(batch).square().sum();
        var grads = autograd.grad([loss], weights.Tensors.ToArray(), retain_graph: true, create_graph: true);
        var second = autograd.grad([grads.Select(g => g.square().sum()).Aggregate((a, b) => a.add(b))], [weights["embedding"]]);
        Assert.True(second[0].abs().sum().item<float>() > 0);
        Assert.True(encoder.Forward(batch).allclose(encoder.Forward(batch, encoder.Parameters())));
    }

    [Fact]
    public void TheBiLstmStatesEqualTorchsLstmWithTheSameWeights()
    {
        using var scope = NewDisposeScope();
        manual_seed(6);
        var options = Small("bilstm");
        var encoder = new BiLstmEncoder(20, options);
        var reference = nn.LSTM(options.EmbeddingDim, options.HiddenSize, bidirectional: true, batchFirst: true);
        var ours = encoder.Parameters();
        using (no_grad())
        {
            foreach (var (name, p) in reference.named_parameters())
            {
                string direction = name.EndsWith("_reverse", StringComparison.Ordinal) ? "backward" : "forward";
                if (name.StartsWith("weight_ih", StringComparison.Ordinal)) p.copy_(ours[$"{direction}_input_weight"]);
                else if (name.StartsWith("weight_hh", StringComparison.Ordinal)) p.copy_(ours[$"{direction}_hidden_weight"]);
                else if (name.StartsWith("bias_ih", StringComparison.Ordinal)) p.copy_(ours[$"{direction}_bias"]);
                else p.zero_();   // bias_hh: our single bias is b_ih + b_hh
            }
        }
        long[] ids = [3, 4, 5, 6, 7, 8, 9];
        using var batch = TokenBatch.FromIds([ids.Select(i => (int)i).ToArray()]);
        var embedded = ours["embedding"].index_select(0, tensor(ids)).unsqueeze(0);
        var (expected, _, _) = reference.forward(embedded);
        Assert.True(encoder.States(batch).allclose(expected, rtol: 1e-4, atol: 1e-5));
    }

    [Fact]
    public void TheTransformerLayerEqualsTorchsTransformerEncoderLayerWithTheSameWeights()
    {
        using var scope = NewDisposeScope();
        manual_seed(7);
        var options = Small("transformer") with { Layers = 1 };
        var encoder = new TransformerEncoder(20, options);
        encoder.eval();
        var reference = nn.TransformerEncoderLayer(options.EmbeddingDim, options.Heads, options.FeedForwardSize, dropout: 0.0);
        reference.eval();
        var ours = encoder.Parameters();
        var map = new Dictionary<string, string>
        {
            ["self_attn.in_proj_weight"] = "attention_in_weight.0",
            ["self_attn.in_proj_bias"] = "attention_in_bias.0",
            ["self_attn.out_proj.weight"] = "attention_out_weight.0",
            ["self_attn.out_proj.bias"] = "attention_out_bias.0",
            ["linear1.weight"] = "feedforward1_weight.0",
            ["linear1.bias"] = "feedforward1_bias.0",
            ["linear2.weight"] = "feedforward2_weight.0",
            ["linear2.bias"] = "feedforward2_bias.0",
            ["norm1.weight"] = "norm1_weight.0",
            ["norm1.bias"] = "norm1_bias.0",
            ["norm2.weight"] = "norm2_weight.0",
            ["norm2.bias"] = "norm2_bias.0",
        };
        using (no_grad())
        {
            foreach (var (name, p) in reference.named_parameters()) p.copy_(ours[map[name]]);
        }
        long[] ids = [3, 4, 5, 6, 7];
        using var batch = TokenBatch.FromIds([ids.Select(i => (int)i).ToArray()]);
        var x = ours["embedding"].index_select(0, tensor(ids)).add(ours["position"][..5]).unsqueeze(1);   // [T, B, D]
        var expected = reference.call(x).transpose(0, 1);
        Assert.True(encoder.States(batch).allclose(expected, rtol: 1e-4, atol: 1e-5));
    }
}
