using MetaNlp.Algorithms;
using MetaNlp.Data;
using MetaNlp.Encoders;
using MetaNlp.Models;
using MetaNlp.Tests.Data;
using MetaNlp.Text;
using static TorchSharp.torch;

namespace MetaNlp.Tests.Encoders;

public class EntityPoolingTests
{
    private const int HeadStart = 10, HeadEnd = 11, TailStart = 12, TailEnd = 13;
    private static readonly EncoderOptions WithEntityPooling = new() { Kind = "cnn", EmbeddingDim = 6, Filters = 4, Pooling = EncoderOptions.EntityPooling };
    private static readonly EntitySpans Spans = new(HeadStart, HeadEnd, TailStart, TailEnd);

    [Fact]
    public void EachEntitySpansItsMarkersAndAMissingMarkerOpensTheSpanToTheTextsEdge()
    {
        using var scope = NewDisposeScope();
        using var batch = TokenBatch.FromIds([
            [2, HeadStart, 3, HeadEnd, 4, TailStart, 5, 6, TailEnd],
            [TailStart, 7, TailEnd, 8, HeadStart, 9, HeadEnd],
            [2, HeadStart, 3, 4],                 // cut off inside the head: no closing marker, no tail at all
        ]);
        var (head, tail) = Spans.Find(batch);
        Assert.Equal([new TokenSpan(1, 4), new TokenSpan(4, 7), new TokenSpan(1, 4)], head);
        Assert.Equal([new TokenSpan(5, 9), new TokenSpan(0, 3), new TokenSpan(0, 4)], tail);
    }

    [Fact]
    public void AWindowIsOnAnEntityWhenItSharesATokenWithIt()
    {
        using var scope = NewDisposeScope();
        // Width 3 over tokens 2-3: windows starting at 0 (tokens 0-2) to 3 (tokens 3-5) touch it, 4 and 5 do not.
        var outside = EntitySpans.WindowsOutside([new TokenSpan(2, 4), new TokenSpan(0, 1)], 6, 3, CPU);
        Assert.Equal([false, false, false, false, true, true], outside[0, .., 0].data<bool>().ToArray());
        Assert.Equal([false, true, true, true, true, true], outside[1, .., 0].data<bool>().ToArray());
    }

    [Fact]
    public void TheVectorIsTheMaximumOverTheTextThenOverTheHeadThenOverTheTail()
    {
        using var scope = NewDisposeScope();
        manual_seed(21);
        var encoder = (CnnEncoder)EncoderFactory.Create(WithEntityPooling, 14, entitySpans: Spans);
        encoder.eval();
        Assert.Equal(3 * 3 * 4, encoder.OutputDim);
        int[][] texts = [[2, HeadStart, 3, HeadEnd, 4, 5, 6, TailStart, 7, TailEnd, 8], [TailStart, 9, TailEnd, HeadStart, 2, HeadEnd], [HeadStart, 3]];
        var ours = encoder.Forward(TokenBatch.FromIds(texts, encoder.MinLength));
        Assert.Equal([texts.Length, encoder.OutputDim], ours.shape);

        var w = encoder.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().to(float64));
        for (int row = 0; row < texts.Length; row++)
        {
            var text = texts[row];
            int length = Math.Max(text.Length, encoder.MinLength);
            var columns = Enumerable.Range(0, length).Select(t => t < text.Length ? w["embedding"][text[t]] : zeros(6, dtype: float64)).ToArray();
            var x = stack(columns, 1).unsqueeze(0);                                                    // [1, D, T]
            (int Start, int End) Span(int open, int close)
            {
                int start = Math.Max(Array.IndexOf(text, open), 0), end = Array.IndexOf(text, close);
                return (start, end < 0 ? text.Length - 1 : end);
            }
            // The maximum of each filter over the windows t of the text (t <= its last full window) that touch [start, end].
            Tensor MaxOver(int start, int end) => cat(WithEntityPooling.FilterWidths.Select((width, i) =>
            {
                var conv = nn.functional.conv1d(x, w[$"conv_weight.{i}"], w[$"conv_bias.{i}"])[0];     // [F, windows]
                int[] kept = Enumerable.Range(0, Math.Max(text.Length - width, 0) + 1).Where(t => t <= end && t + width - 1 >= start).ToArray();
                return nn.functional.relu(conv.index_select(1, tensor(kept.Select(t => (long)t).ToArray())).amax([-1]));
            }).ToArray());
            var (headStart, headEnd) = Span(HeadStart, HeadEnd);
            var (tailStart, tailEnd) = Span(TailStart, TailEnd);
            var expected = cat([MaxOver(0, length), MaxOver(headStart, headEnd), MaxOver(tailStart, tailEnd)]);
            Assert.True(ours[row].to(float64).allclose(expected, rtol: 1e-5, atol: 1e-5), $"text {row}");
        }

        // The first third is Kim's max-pooled vector: the same weights under max pooling give it.
        var plain = (CnnEncoder)EncoderFactory.Create(WithEntityPooling with { Pooling = EncoderOptions.MaxPooling }, 14);
        plain.load_state_dict(encoder.state_dict());
        plain.eval();
        Assert.True(plain.Forward(TokenBatch.FromIds(texts, encoder.MinLength)).allclose(ours[.., ..12]));
    }

    [Fact]
    public void MovingAWordOntoAnEntityChangesOnlyItsEntityPartAndTheWeightsAreTwiceDifferentiable()
    {
        using var scope = NewDisposeScope();
        manual_seed(22);
        var encoder = EncoderFactory.Create(WithEntityPooling with { FilterWidths = [1], Filters = 50 }, 14, entitySpans: Spans);
        encoder.eval();
        // Width 1: the word 5 sits outside both entities, then inside the tail; the text's max sees the same words.
        // Of 50 random filters, some respond to 5 more than to the tail's other tokens.
        using var batch = TokenBatch.FromIds([[HeadStart, 2, HeadEnd, 5, TailStart, 3, TailEnd], [HeadStart, 2, HeadEnd, TailStart, 3, 5, TailEnd]], encoder.MinLength);
        var vectors = encoder.Forward(batch);
        Assert.True(vectors[0, ..100].allclose(vectors[1, ..100]));                                   // text and head: unchanged
        Assert.False(vectors[0, 100..].allclose(vectors[1, 100..], rtol: 1e-4, atol: 1e-5));         // tail: now reads 5

        var weights = encoder.Parameters();
        var grads = autograd.grad([vectors.square().sum()], weights.Tensors.ToArray(), retain_graph: true, create_graph: true);
        var second = autograd.grad([grads.Select(g => g.square().sum()).Aggregate((a, b) => a.add(b))], [weights["conv_weight.0"]]);
        Assert.True(second[0].abs().sum().item<float>() > 0);
    }

    [Theory]
    [InlineData(EncoderOptions.WordTokens, 0, EncoderOptions.EntityPooling)]
    [InlineData(EncoderOptions.WordTokens, 2, EncoderOptions.MaxPooling)]
    [InlineData(EncoderOptions.WordPieceTokens, 2, EncoderOptions.EntityPooling)]
    public void AModelThatReadsEntityMarkersRoundTripsThroughACheckpoint(string tokenizer, int positionDim, string pooling)
    {
        using var dir = new TempDir();
        using var scope = NewDisposeScope();
        var options = WithEntityPooling with { Tokenizer = tokenizer, EntityPositionDim = positionDim, Pooling = pooling };
        string[] texts = ["[E1] bill gates [/E1] founded [E2] microsoft [/E2] in 1975", "[E2] paris [/E2] is the capital of [E1] france [/E1]"];
        var model = FewShotModel.Create(FewShotModel.NewSpec(PrototypicalNetwork.Name, null, options, texts));
        Assert.Equal(pooling == EncoderOptions.EntityPooling ? 36 : 12, model.Embedder.Encoder.OutputDim);
        Assert.Equal(positionDim > 0, model.Learner.Module.named_parameters().Any(p => p.name.EndsWith("head_position", StringComparison.Ordinal)));
        string path = Path.Combine(dir.Path, "m.ckpt");
        Checkpoint.SaveModel(path, model);
        var loaded = Checkpoint.LoadModel(path);
        Assert.Equal((tokenizer, positionDim, pooling), (loaded.Spec.Encoder.Tokenizer, loaded.Spec.Encoder.EntityPositionDim, loaded.Spec.Encoder.Pooling));
        TextExample[] support = [new(texts[0], "founder"), new(texts[1], "capital")];
        string[] queries = ["[E1] steve jobs [/E1] founded [E2] apple [/E2]"];
        using var a = model.Learner.Adapt(support);
        using var b = loaded.Learner.Adapt(support);
        Assert.Equal(a.Predict(queries)[0].Probabilities.ToArray(), b.Predict(queries)[0].Probabilities.ToArray());
    }

    [Fact]
    public void EntityPoolingWithoutMarkersOrOutsideTheCnnIsAClearError()
    {
        var spec = FewShotModel.NewSpec(PrototypicalNetwork.Name, null, WithEntityPooling, ["no entities here", "nor here"]);
        var noMarkers = Assert.Throws<ArgumentException>(() => FewShotModel.Create(spec));
        Assert.Contains(EntityMarkers.HeadStart, noMarkers.Message);
        Assert.Contains("Entity pooling", noMarkers.Message);
        var bilstm = Assert.Throws<ArgumentException>(() => EncoderFactory.Create(WithEntityPooling with { Kind = "bilstm" }, 14, entitySpans: Spans));
        Assert.Contains("bilstm", bilstm.Message);
        var unknown = Assert.Throws<ArgumentException>(() => EncoderFactory.Create(WithEntityPooling with { Pooling = "mean" }, 14));
        Assert.Contains("mean", unknown.Message);
        Assert.Throws<ArgumentException>(() => EncoderFactory.Create(WithEntityPooling, 14));
        Assert.Throws<ArgumentException>(() => new EntitySpans(HeadStart, HeadStart, TailStart, TailEnd));
    }
}
