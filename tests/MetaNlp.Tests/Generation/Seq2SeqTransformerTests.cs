using MetaNlp.Functional;
using MetaNlp.Generation;
using static TorchSharp.torch;

namespace MetaNlp.Tests.Generation;

[Collection(SerialCollection.Name)]
public class Seq2SeqTransformerTests
{
    private static readonly Seq2SeqOptions Tiny = new() { VocabularySize = 9, ModelDim = 8, Heads = 2, FeedForwardDim = 12, EncoderLayers = 1, DecoderLayers = 1 };

    private static (Tensor Source, Tensor Input, Tensor Output) Batch(int[][] sources, int[][] targets)
    {
        var (input, output) = SequenceBatch.TeacherForcing(targets, 16);
        return (SequenceBatch.Pad(sources), input, output);
    }

    [Fact]
    public void MamlMetaGradientThroughTheDecoderMatchesFiniteDifferences()
    {
        using var scope = NewDisposeScope();
        var model = new Seq2SeqTransformer(Tiny);
        var theta = model.InitialWeights(seed: 7, dtype: ScalarType.Float64);
        var support = Batch([[4, 5, 6], [7, 8]], [[5, 4], [8, 8, 6]]);
        var query = Batch([[6, 5], [4, 4, 7, 8]], [[4, 6, 5], [7]]);
        const double smoothing = 0.1;
        Tensor SupportLoss(ParameterSet w) => model.Loss(w, support.Source, support.Input, support.Output, smoothing);
        Tensor QueryLoss(ParameterSet w) => model.Loss(w, query.Source, query.Input, query.Output, smoothing);

        double MetaLoss(ParameterSet start)
        {
            using var inner = NewDisposeScope();
            using var sgd = new DifferentiableSgd(0.5);
            return QueryLoss(GradientUpdate.Descend(start, SupportLoss, sgd, steps: 2, createGraph: true)).item<double>();
        }

        using var optimizer = new DifferentiableSgd(0.5);
        var adapted = GradientUpdate.Descend(theta, SupportLoss, optimizer, steps: 2, createGraph: true);
        var grads = autograd.grad([QueryLoss(adapted)], [.. theta.Tensors]);

        // Directional derivative along a fixed random direction: central differences against the gradient's dot product.
        manual_seed(3);
        var direction = theta.Tensors.Select(t => randn_like(t)).ToArray();
        var analytic = grads.Zip(direction, (g, v) => g.mul(v).sum().item<double>()).Sum();
        const double eps = 1e-5;
        ParameterSet Shift(double sign) => new(theta.Zip(direction, (p, v) =>
            new KeyValuePair<string, Tensor>(p.Key, p.Value.detach().add(v.mul(sign * eps)).requires_grad_())));
        var numeric = (MetaLoss(Shift(+1)) - MetaLoss(Shift(-1))) / (2 * eps);
        Assert.True(Math.Abs(analytic) > 1e-3, $"the directional derivative {analytic} is too small to test");
        Assert.True(Math.Abs(analytic - numeric) < 1e-6 * Math.Max(1, Math.Abs(numeric)), $"meta-gradient {analytic} vs finite differences {numeric}");
        // The decoder's own weights get a meta-gradient (the check above is not carried by the encoder alone).
        var names = theta.Names.ToList();
        Assert.True(grads[names.IndexOf("dec.0.cross.q.w")].abs().sum().item<double>() > 0);
    }

    [Fact]
    public void LabelSmoothingIsPyTorchsMixOfNllAndUniformCrossEntropy()
    {
        using var scope = NewDisposeScope();
        var model = new Seq2SeqTransformer(Tiny);
        var w = model.InitialWeights(seed: 1, dtype: ScalarType.Float64);
        var (source, input, output) = Batch([[4, 5]], [[6, 7, 8]]);
        var logProbs = nn.functional.log_softmax(model.Decode(w, model.Encode(w, source), source, input), 2)[0];
        var targets = output[0].data<long>().ToArray();
        double nll = 0, uniform = 0;
        for (var t = 0; t < targets.Length; t++)
        {
            nll -= logProbs[t, targets[t]].item<double>();
            uniform -= logProbs[t].mean().item<double>();
        }
        var expected = 0.8 * nll / targets.Length + 0.2 * uniform / targets.Length;
        Assert.Equal(expected, model.Loss(w, source, input, output, 0.2).item<double>(), 1e-10);
    }

    [Fact]
    public void TheDecodingStepEqualsTheFullForwardOfEachPrefix()
    {
        // The step encodes the source once and reuses it for every call and prefix: the same numbers as the whole
        // forward pass run afresh for each prefix.
        using var scope = NewDisposeScope();
        var model = new Seq2SeqTransformer(Tiny);
        var w = model.InitialWeights(seed: 4, dtype: ScalarType.Float64);
        var source = SequenceBatch.Pad([[4, 5, 6, 7]]);
        var step = model.Step(w, source);
        int[][] prefixes = [[2], [2, 7, 8], [2, 5]];
        for (var call = 0; call < 2; call++)
        {
            var rows = step(prefixes);
            for (var i = 0; i < prefixes.Length; i++)
            {
                var input = SequenceBatch.Pad([prefixes[i]]);
                var full = nn.functional.log_softmax(model.Decode(w, model.Encode(w, source), source, input)[0, -1], 0);
                Assert.True(rows[i].allclose(full, 1e-12, 1e-12), $"prefix {i}, call {call}");
            }
        }
    }

    [Fact]
    public void PaddingChangesNeitherTheEncodingNorTheNextToken()
    {
        using var scope = NewDisposeScope();
        var model = new Seq2SeqTransformer(Tiny);
        var w = model.InitialWeights(seed: 2, dtype: ScalarType.Float64);
        var alone = SequenceBatch.Pad([[4, 5, 6]]);
        var padded = SequenceBatch.Pad([[4, 5, 6], [7, 8, 4, 5, 6]])[..1];
        var a = model.Step(w, alone)([[2, 7]]);
        var b = model.Step(w, padded)([[2, 7]]);
        Assert.True(a.allclose(b, 1e-12, 1e-12));
    }

    [Fact]
    public void AFewStepsFitOnePairSoGreedyDecodingReproducesIt()
    {
        using var scope = NewDisposeScope();
        var model = new Seq2SeqTransformer(Tiny);
        var w = model.InitialWeights(seed: 5);
        var (source, input, output) = Batch([[4, 5, 6]], [[8, 7, 6, 5]]);
        using var sgd = new DifferentiableSgd(0.3);
        var fitted = GradientUpdate.Descend(w, p => model.Loss(p, source, input, output, 0.0), sgd, steps: 150, createGraph: false);
        var greedy = BeamSearch.Greedy(model.Step(fitted, source), BpeVocabulary.BeginId, BpeVocabulary.EndId, 8);
        Assert.Equal([8, 7, 6, 5, BpeVocabulary.EndId], greedy);
        var beam = BeamSearch.Search(model.Step(fitted, source), BpeVocabulary.BeginId, BpeVocabulary.EndId, width: 3, maxLength: 8);
        Assert.Equal(greedy, beam.Tokens);
    }
}
