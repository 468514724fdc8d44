using MetaNlp.Algorithms;
using MetaNlp.Data;
using MetaNlp.Encoders;
using MetaNlp.Models;
using MetaNlp.Pretrained;
using MetaNlp.Tests.Data;
using MetaNlp.Text;
using MetaNlp.Workarounds;
using static TorchSharp.torch;

namespace MetaNlp.Tests.Encoders;

public class MiniLmEntityPoolingTests(MiniLmFixture fixture) : IClassFixture<MiniLmFixture>
{
    private static readonly string[] Relations =
    [
        "[E1] Marie Curie [/E1] was born in [E2] Warsaw [/E2] in 1867 .",
        "The river [E2] Danube [/E2] flows through [E1] Vienna [/E1] .",
        "[E1] Apple [/E1] was founded by [E2] Steve Jobs [/E2] .",
    ];

    [Fact]
    public void TheVectorIsTheUnitMeanOverTheTextTheHeadAndTheTailEachScaledByOneOverRootThree()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var tokenizer = fixture.Tokenizer.WithEntityMarkerTokens();
        var spans = new EntitySpans(Id(tokenizer, EntityMarkers.HeadStart), Id(tokenizer, EntityMarkers.HeadEnd), Id(tokenizer, EntityMarkers.TailStart), Id(tokenizer, EntityMarkers.TailEnd));
        var encoder = new MiniLmEncoder(fixture.Weights, new EncoderOptions { Kind = MiniLmEncoder.KindName, FineTuneLayers = 1, Pooling = EncoderOptions.EntityPooling }, spans);
        Assert.Equal(3 * MiniLmWeights.HiddenSize, encoder.OutputDim);
        using var batch = TokenBatch.From(tokenizer, Relations);
        var vectors = encoder.Forward(batch);
        var states = encoder.States(batch);
        const int d = MiniLmWeights.HiddenSize;
        for (int row = 0; row < Relations.Length; row++)
        {
            var ids = tokenizer.Encode(Relations[row]);
            int headStart = Array.IndexOf(ids, Id(tokenizer, EntityMarkers.HeadStart)), headEnd = Array.IndexOf(ids, Id(tokenizer, EntityMarkers.HeadEnd));
            int tailStart = Array.IndexOf(ids, Id(tokenizer, EntityMarkers.TailStart)), tailEnd = Array.IndexOf(ids, Id(tokenizer, EntityMarkers.TailEnd));
            Tensor Unit(Tensor x) => x.div(x.norm()).div(Math.Sqrt(3));
            var expected = new[]
            {
                Unit(states[row, ..ids.Length].mean([0])),
                Unit(states[row, headStart..(headEnd + 1)].mean([0])),
                Unit(states[row, tailStart..(tailEnd + 1)].mean([0])),
            };
            for (int part = 0; part < 3; part++)
            {
                float difference = vectors[row, (part * d)..((part + 1) * d)].sub(expected[part]).abs().max().item<float>();
                Assert.True(difference < 1e-5, $"text {row}, part {part}: {difference}");
            }
        }
        Assert.True(vectors.norm(1).sub(1).abs().max().item<float>() < 1e-5); // unit length overall
    }

    [Fact]
    public void AModelWithEntityPoolingReadsMarkersAsTokensRefusesUnmarkedTextAndReloadsWithTheSamePredictions()
    {
        using var dir = new TempDir();
        var options = new EncoderOptions { Kind = MiniLmEncoder.KindName, FineTuneLayers = 1, Pooling = EncoderOptions.EntityPooling };
        Assert.Contains("[E1]", Assert.Throws<ArgumentException>(() => FewShotModel.NewSpec(PrototypicalNetwork.Name, null, options, ["no entities here", "nor here"])).Message);
        var spec = FewShotModel.NewSpec(PrototypicalNetwork.Name, LearnerRegistry.ToJson(new PrototypicalOptions { Distance = MetricDistance.Cosine }), options, Relations);
        var model = FewShotModel.Create(spec);
        var tokenizer = Assert.IsType<BertWordPieceTokenizer>(model.Embedder.Tokenizer);
        Assert.True(tokenizer.MarkerId(EntityMarkers.HeadStart) is int);
        Assert.Null(Assert.IsType<BertWordPieceTokenizer>(FewShotModel.CreateTokenizer(spec with { Encoder = options with { Pooling = EncoderOptions.MaxPooling } })).MarkerId(EntityMarkers.HeadStart));

        var episode = new Episode(["born_in", "part_of"],
            [new TextExample(Relations[0], "born_in"), new TextExample(Relations[1], "part_of")],
            [new TextExample("[E1] Einstein [/E1] was born in [E2] Ulm [/E2] .", "born_in"), new TextExample("[E1] Paris [/E1] lies on the [E2] Seine [/E2] .", "part_of")]);
        using (var scope = NewDisposeScope())
        {
            var optimizer = new ScalarSafeAdam(model.Learner.Module.parameters().Where(p => p.requires_grad), 1e-3, weightDecay: 0);
            model.Learner.EpisodeLoss(episode).backward();
            optimizer.step();
        }
        string path = Path.Combine(dir.Path, "model.ckpt");
        Checkpoint.SaveModel(path, model);
        var reloaded = Checkpoint.LoadModel(path);
        Assert.Equal(EncoderOptions.EntityPooling, reloaded.Spec.Encoder.Pooling);
        LearnerChecks.AssertSamePredictions(model.Learner, reloaded.Learner, episode);
    }

    [Fact]
    public void EntityPoolingWithoutMarkerIdsOrAnUnknownPoolingIsAClearError()
    {
        var missing = Assert.Throws<ArgumentException>(() => new MiniLmEncoder(fixture.Weights, new EncoderOptions { Kind = MiniLmEncoder.KindName, Pooling = EncoderOptions.EntityPooling }));
        Assert.Contains("marker", missing.Message);
        var unknown = Assert.Throws<ArgumentException>(() => new MiniLmEncoder(fixture.Weights, new EncoderOptions { Kind = MiniLmEncoder.KindName, Pooling = "median" }));
        Assert.Contains("median", unknown.Message);
        var other = Assert.Throws<ArgumentException>(() => EncoderFactory.Create(new EncoderOptions { Kind = "boe", Pooling = EncoderOptions.EntityPooling }, 10));
        Assert.Contains("cnn and minilm", other.Message);
    }

    private static int Id(BertWordPieceTokenizer tokenizer, string marker) => tokenizer.MarkerId(marker) ?? throw new InvalidOperationException(marker);
}
