using MetaNlp.Algorithms;
using MetaNlp.Encoders;
using MetaNlp.Interop;
using MetaNlp.Models;
using MetaNlp.Pretrained;
using MetaNlp.Tests.Checkpoints;
using MetaNlp.Tests.Data;
using MetaNlp.Tests.Encoders;
using static TorchSharp.torch;

namespace MetaNlp.Tests.Interop;

public class ModelSafetensorsTests(MiniLmFixture fixture) : IClassFixture<MiniLmFixture>
{
    private static readonly string[] Texts = ["the topic1 topic2 please", "can you topic3 now", "topic5 and topic7 for my topic9", "a b c"];

    private static float[] Embed(FewShotModel model, IReadOnlyList<string>? texts = null)
    {
        using var scope = NewDisposeScope();
        return model.Embedder.EmbedNoGrad(texts ?? Texts).data<float>().ToArray();
    }

    private static Dictionary<string, Tensor> ReadAll(string path)
    {
        using var file = SafetensorsFile.Open(path);
        return file.Entries.ToDictionary(e => e.Name, e => file.Read(e.Name));
    }

    [Fact]
    public void ExportThenImportIntoAnotherModelOfTheSameSpecGivesIdenticalEmbeddings()
    {
        using var dir = new TempDir();
        string path = Path.Combine(dir.Path, "model.safetensors");
        var source = CheckpointFiles.SmallModel(seed: 5);
        ModelSafetensors.Export(source, path);

        var target = CheckpointFiles.SmallModel(seed: 9);
        Assert.NotEqual(Embed(source), Embed(target)); // another initialisation: the import has something to do
        ModelSafetensors.Import(target, path);
        Assert.Equal(Embed(source), Embed(target));

        var loaded = ModelSafetensors.Load(path); // the spec from the file's metadata
        Assert.Equal(source.Spec.Vocabulary, loaded.Spec.Vocabulary);
        Assert.Equal(Embed(source), Embed(loaded));
    }

    [Fact]
    public void TheFileHoldsEveryTensorOfTheModelUnderItsListedName()
    {
        using var dir = new TempDir();
        string path = Path.Combine(dir.Path, "model.safetensors");
        var model = CheckpointFiles.SmallModel();
        ModelSafetensors.Export(model, path);
        var state = model.Learner.Module.state_dict();
        var names = ModelSafetensors.Names(model);
        var tensors = ReadAll(path);
        Assert.Equal(state.Count, tensors.Count);
        Assert.Equal(names.Select(n => n.Exported).Order(), tensors.Keys.Order());
        foreach (var (module, exported) in names)
        {
            Assert.Equal(module, exported); // no BERT encoder: the module's own names
            Assert.True(tensors[exported].equal(state[module]).all().item<bool>(), module);
        }
        using var file = SafetensorsFile.Open(path);
        Assert.Equal("pt", file.Metadata["format"]);
        Assert.Contains("\"algorithm\":\"protonet\"", file.Metadata[ModelSafetensors.SpecKey]);
    }

    [Fact]
    public void ImportRefusesMissingExtraMisShapedAndMistypedTensorsAndChangesNothing()
    {
        using var dir = new TempDir();
        string good = Path.Combine(dir.Path, "good.safetensors");
        string bad = Path.Combine(dir.Path, "bad.safetensors");
        ModelSafetensors.Export(CheckpointFiles.SmallModel(seed: 5), good);
        var target = CheckpointFiles.SmallModel(seed: 9);
        var before = Embed(target);
        string name = ModelSafetensors.Names(target)[^1].Exported;

        string Refused(Action<Dictionary<string, Tensor>> edit)
        {
            var tensors = ReadAll(good);
            edit(tensors);
            Safetensors.Write(bad, tensors);
            var e = Assert.Throws<InvalidDataException>(() => ModelSafetensors.Import(target, bad));
            Assert.Contains(bad, e.Message);
            Assert.Equal(before, Embed(target)); // all or nothing
            return e.Message;
        }

        Assert.Contains($"no tensor '{name}'", Refused(t => t.Remove(name)));
        Assert.Contains("'extra.weight'", Refused(t => t.Add("extra.weight", zeros(2))));
        var shape = Refused(t => t[name] = zeros([.. t[name].shape.Select(d => d + 1)]));
        Assert.Contains($"'{name}'", shape);
        Assert.Contains("I64", Refused(t => t[name] = zeros(t[name].shape, ScalarType.Int64)));
        Assert.Contains("non-finite", Refused(t => t[name] = full(t[name].shape, float.NaN)));

        // Lower precision is converted: a float64 copy of the weights imports as the float32 ones.
        var wide = ReadAll(good);
        Safetensors.Write(bad, wide.Select(p => new KeyValuePair<string, Tensor>(p.Key, p.Value.to_type(ScalarType.Float64))));
        ModelSafetensors.Import(target, bad);
        Assert.Equal(Embed(CheckpointFiles.SmallModel(seed: 5)), Embed(target));
    }

    [Fact]
    public void MiniLmWeightsAreExportedUnderHuggingFaceBertNamesAndImportBack()
    {
        using var dir = new TempDir();
        string path = Path.Combine(dir.Path, "minilm.safetensors");
        var spec = FewShotModel.NewSpec(PrototypicalNetwork.Name, null, new EncoderOptions { Kind = MiniLmEncoder.KindName, FineTuneLayers = 1 }, []);
        var trained = FewShotModel.Create(spec);
        var topBias = trained.Learner.Module.named_parameters().Single(p => p.name.EndsWith("layers.5.output_bias", StringComparison.Ordinal)).parameter;
        using (no_grad()) topBias.add_(0.05f); // as if fine-tuned
        ModelSafetensors.Export(trained, path);

        var names = ModelSafetensors.Names(trained).Select(n => n.Exported).ToList();
        Assert.Equal(MiniLmWeights.Expected().Select(e => e.Name).Order(), names.Order()); // exactly BertModel's names, pooler aside
        var tensors = ReadAll(path);
        foreach (var (name, shape) in MiniLmWeights.Expected())
        {
            Assert.Equal(shape, tensors[name].shape);
            if (name != "encoder.layer.5.output.dense.bias")
                Assert.True(tensors[name].equal(tensor(fixture.Weights.Get(name, shape), shape)).all().item<bool>(), name);
        }

        var fresh = FewShotModel.Create(spec);
        string[] texts = ["pay my electricity bill", "switch the language to spanish"];
        Assert.NotEqual(Embed(trained, texts), Embed(fresh, texts));
        ModelSafetensors.Import(fresh, path);
        Assert.Equal(Embed(trained, texts), Embed(fresh, texts));

        // A frozen pretrained weight that differs would be lost by the next checkpoint: refused, naming it.
        tensors["encoder.layer.0.attention.self.query.bias"].add_(1f);
        Safetensors.Write(path, tensors);
        var e = Assert.Throws<InvalidDataException>(() => ModelSafetensors.Import(fresh, path));
        Assert.Contains("'encoder.layer.0.attention.self.query.bias'", e.Message);
        Assert.Contains("frozen", e.Message);
    }
}
