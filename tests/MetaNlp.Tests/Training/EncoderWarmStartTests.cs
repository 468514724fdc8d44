using MetaNlp.Algorithms;
using MetaNlp.Encoders;
using MetaNlp.Models;
using MetaNlp.Tests.Data;
using MetaNlp.Training;
using static TorchSharp.torch;

namespace MetaNlp.Tests.Training;

[Collection(SerialCollection.Name)]
public class EncoderWarmStartTests
{
    private static readonly string[] Probe = ["where is my card", "book a table for two", "play some jazz music"];

    // Moves every trained weight of the model's encoder, so a copy that failed would be seen.
    private static void Perturb(FewShotModel model, int seed)
    {
        manual_seed(seed);
        using var noGrad = no_grad();
        foreach (var p in model.Embedder.Encoder.parameters().Where(p => p.requires_grad)) p.add_(randn_like(p) * 0.05);
    }

    private static float[] Vectors(FewShotModel model)
    {
        using var vectors = model.Embedder.EmbedNoGrad(Probe);
        return vectors.data<float>().ToArray();
    }

    [Fact]
    public void AWordEncoderCarriesItsWeightsAndVocabularyIntoAnotherLearner()
    {
        using var dir = new TempDir();
        var encoder = new EncoderOptions { Kind = "cnn", EmbeddingDim = 16, Filters = 8 };
        var source = FewShotModel.Create(FewShotModel.NewSpec(PrototypicalNetwork.Name, null, encoder, ToyData.Examples(6, 6).Select(e => e.Text).Concat(Probe)));
        Perturb(source, 1);
        string path = Path.Combine(dir.Path, "source.ckpt");
        Checkpoint.SaveModel(path, source);
        var loaded = Checkpoint.LoadModel(path);

        // The new run's own vocabulary would be fitted to other texts; the warm start keeps the source's ids.
        var spec = FewShotModel.NewSpec(RelationNetwork.Name, null, encoder, ["completely different words only"]);
        var adapted = EncoderWarmStart.SpecFrom(spec, loaded);
        Assert.Equal(loaded.Spec.Vocabulary, adapted.Vocabulary);
        manual_seed(2);
        var target = FewShotModel.Create(adapted);
        Assert.NotEqual(Vectors(loaded), Vectors(target));
        EncoderWarmStart.CopyEncoder(loaded, target);
        Assert.Equal(Vectors(source), Vectors(target));
        Assert.Equal(RelationNetwork.Name, target.Spec.Algorithm);
    }

    [Fact]
    public void AnotherEncoderKindOrShapeIsRefusedNamingTheDifference()
    {
        var texts = ToyData.Examples(4, 4).Select(e => e.Text).ToArray();
        var cnn = FewShotModel.Create(FewShotModel.NewSpec(PrototypicalNetwork.Name, null, new EncoderOptions { Kind = "cnn", EmbeddingDim = 16, Filters = 8 }, texts));
        var boe = FewShotModel.NewSpec(PrototypicalNetwork.Name, null, new EncoderOptions { Kind = "boe", EmbeddingDim = 16 }, texts);
        Assert.Contains("cnn", Assert.Throws<ArgumentException>(() => EncoderWarmStart.SpecFrom(boe, cnn)).Message);

        var wider = FewShotModel.Create(EncoderWarmStart.SpecFrom(
            FewShotModel.NewSpec(PrototypicalNetwork.Name, null, new EncoderOptions { Kind = "cnn", EmbeddingDim = 16, Filters = 12 }, texts), cnn));
        var error = Assert.Throws<ArgumentException>(() => EncoderWarmStart.CopyEncoder(cnn, wider));
        Assert.Contains("[8, ", error.Message); // the source's filters against the run's 12
        Assert.Contains("[12, ", error.Message);
    }

    [Fact]
    public void MiniLmLayersTrainedInTheSourceMustTrainHereAndTheCopySurvivesACheckpoint()
    {
        using var dir = new TempDir();
        EncoderOptions MiniLm(int layers) => new() { Kind = "minilm", FineTuneLayers = layers };
        var source = FewShotModel.Create(FewShotModel.NewSpec(PrototypicalNetwork.Name, null, MiniLm(2), Probe));
        Perturb(source, 3);

        var fewer = FewShotModel.Create(FewShotModel.NewSpec(PrototypicalNetwork.Name, null, MiniLm(1), Probe));
        var refused = Assert.Throws<ArgumentException>(() => EncoderWarmStart.CopyEncoder(source, fewer));
        Assert.Contains("--finetune-layers 2", refused.Message);

        var target = FewShotModel.Create(FewShotModel.NewSpec(PrototypicalNetwork.Name, null, MiniLm(3), Probe));
        EncoderWarmStart.CopyEncoder(source, target);
        string path = Path.Combine(dir.Path, "target.ckpt");
        Checkpoint.SaveModel(path, target);
        var expected = Vectors(source);
        var reloaded = Vectors(Checkpoint.LoadModel(path));
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], reloaded[i], 1e-5f);
    }
}
