using MetaNlp.Algorithms;
using MetaNlp.Data;
using MetaNlp.Encoders;
using MetaNlp.Models;
using MetaNlp.Text;
using static TorchSharp.torch;

namespace MetaNlp.Tests.Encoders;

public class EntityPositionTests
{
    private const int Head = 10, Tail = 11;
    private static readonly EncoderOptions WithPositions = new() { Kind = "cnn", EmbeddingDim = 6, Filters = 4, EntityPositionDim = 2 };

    [Fact]
    public void EachTokensDistanceToTheEntitiesIsItsTableIndex()
    {
        using var scope = NewDisposeScope();
        var positions = new EntityPositions(Head, Tail);
        var longText = new int[70];
        Array.Fill(longText, 5);
        longText[0] = Head;
        longText[1] = Tail;
        using var batch = TokenBatch.FromIds([[5, Head, 7, Tail, 9], [5, 6, 7], longText]);
        var (head, tail) = positions.Indices(batch);
        const int M = EntityPositions.MaxDistance;
        Assert.Equal(new long[] { M - 1, M, M + 1, M + 2, M + 3 }, head[0, ..5].data<long>().ToArray());
        Assert.Equal(new long[] { M - 3, M - 2, M - 1, M, M + 1 }, tail[0, ..5].data<long>().ToArray());
        Assert.Equal(new long[] { M, M + 1, M + 2 }, head[1, ..3].data<long>().ToArray());      // no marker: from the first token
        Assert.Equal(2 * M, head[2, M].item<long>());                                             // 64 tokens away: the last row
        Assert.Equal(2 * M, head[2, 69].item<long>());                                            // farther: clipped to it
        Assert.Equal(2 * M, tail[2, 69].item<long>());
    }

    [Fact]
    public void TheConvolutionReadsEachWordFollowedByItsTwoPositionEmbeddings()
    {
        using var scope = NewDisposeScope();
        manual_seed(11);
        var positions = new EntityPositions(Head, Tail);
        var encoder = (CnnEncoder)EncoderFactory.Create(WithPositions, 12, positions);
        encoder.eval();
        int[][] texts = [[2, Head, 3, 4, Tail, 5, 6], [Tail, 7, Head, 8], [Head, 9]];
        var ours = encoder.Forward(TokenBatch.FromIds(texts, encoder.MinLength));

        var w = encoder.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().to(float64));
        for (int row = 0; row < texts.Length; row++)
        {
            var text = texts[row];
            int length = Math.Max(text.Length, encoder.MinLength), headAt = Math.Max(Array.IndexOf(text, Head), 0), tailAt = Math.Max(Array.IndexOf(text, Tail), 0); // none: from the start
            var columns = Enumerable.Range(0, length).Select(t => t < text.Length
                ? cat([w["embedding"][text[t]], w["head_position"][Index(t - headAt)], w["tail_position"][Index(t - tailAt)]])
                : zeros(6 + 2 * 2, dtype: float64)).ToArray();
            var x = stack(columns, 1).unsqueeze(0);                                                    // [1, D + 2p, T]
            var expected = cat(WithPositions.FilterWidths.Select((width, i) =>
            {
                var conv = nn.functional.conv1d(x, w[$"conv_weight.{i}"], w[$"conv_bias.{i}"]);
                return nn.functional.relu(conv[.., .., ..(Math.Max(text.Length - width, 0) + 1)].amax([-1]));
            }).ToArray(), 1);
            Assert.True(ours[row].to(float64).allclose(expected[0], rtol: 1e-5, atol: 1e-5), $"text {row}");
        }
    }

    [Fact]
    public void MovingAnEntityChangesTheVectorAndThePositionTablesAreTwiceDifferentiable()
    {
        using var scope = NewDisposeScope();
        manual_seed(12);
        var encoder = EncoderFactory.Create(WithPositions, 12, new EntityPositions(Head, Tail));
        encoder.eval();
        using var batch = TokenBatch.FromIds([[2, Head, 3, 4, 5, Tail, 6], [2, 3, 4, Head, 5, Tail, 6]], encoder.MinLength);
        var vectors = encoder.Forward(batch);
        Assert.False(vectors[0].allclose(vectors[1], rtol: 1e-3, atol: 1e-4));

        var weights = encoder.Parameters();
        var grads = autograd.grad([vectors.square().sum()], weights.Tensors.ToArray(), retain_graph: true, create_graph: true);
        var second = autograd.grad([grads.Select(g => g.square().sum()).Aggregate((a, b) => a.add(b))], [weights["head_position"], weights["tail_position"]]);
        Assert.All(second, g => Assert.True(g.abs().sum().item<float>() > 0));
    }

    [Fact]
    public void PositionEmbeddingsOnTextWithoutEntityMarkersAreAClearError()
    {
        var spec = FewShotModel.NewSpec(PrototypicalNetwork.Name, null, WithPositions, ["no entities here", "nor here"]);
        var e = Assert.Throws<ArgumentException>(() => FewShotModel.Create(spec));
        Assert.Contains(EntityMarkers.HeadStart, e.Message);
        Assert.Throws<ArgumentException>(() => EncoderFactory.Create(WithPositions with { Kind = "bilstm" }, 12, new EntityPositions(Head, Tail)));
        Assert.Throws<ArgumentException>(() => EncoderFactory.Create(WithPositions, 12));
    }

    private static long Index(int distance) => Math.Clamp(distance, -EntityPositions.MaxDistance, EntityPositions.MaxDistance) + EntityPositions.MaxDistance;
}
