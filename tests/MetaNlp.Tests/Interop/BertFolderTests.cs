using System.Security.Cryptography;
using MetaNlp.Algorithms;
using MetaNlp.Encoders;
using MetaNlp.Models;
using MetaNlp.Tests.Data;
using MetaNlp.Tests.Encoders;
using static TorchSharp.torch;

namespace MetaNlp.Tests.Interop;

public class BertFolderTests(MiniLmFixture fixture) : IClassFixture<MiniLmFixture>
{
    private static FewShotModel BertModel(string folder, int fineTuneLayers = 0) =>
        FewShotModel.Create(FewShotModel.NewSpec(PrototypicalNetwork.Name, null, new EncoderOptions { Kind = BertFolder.KindName, Path = folder, FineTuneLayers = fineTuneLayers }, []));

    private static float[] Embed(FewShotModel model, IReadOnlyList<string> texts)
    {
        using var scope = NewDisposeScope();
        return model.Embedder.EmbedNoGrad(texts).data<float>().ToArray();
    }

    private static string Sha256(string file)
    {
        using var stream = File.OpenRead(file);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    [Fact]
    public void ATinyBertWrittenByTheTestGivesTheReferenceSentenceVectors()
    {
        using var dir = new TempDir();
        var bert = TinyBert.Write(dir.Path);
        var model = BertModel(dir.Path);
        var encoder = Assert.IsType<MiniLmEncoder>(model.Embedder.Encoder);
        Assert.Equal(new BertConfig(TinyBert.Vocabulary.Length, TinyBert.Hidden, TinyBert.Layers, TinyBert.Heads, TinyBert.Intermediate, TinyBert.Positions, 2, TinyBert.Epsilon), encoder.Config);
        Assert.Equal(TinyBert.Hidden, encoder.OutputDim);
        Assert.Equal(Path.GetFullPath(dir.Path), model.Spec.Encoder.Path);
        Assert.Equal(Sha256(Path.Combine(dir.Path, "model.safetensors")), model.Spec.Encoder.WeightsSha256);

        // The ids, by hand from vocab.txt: lower-cased, split at punctuation, pieces, [UNK] for a word with none.
        string[] texts = ["The cat sat on the mat.", "Hello, world!", "pay bills", "unlock my phone now please", "zebra", "café open?"];
        int[][] ids =
        [
            [.. new[] { "[CLS]", "the", "cat", "sat", "on", "the", "mat", ".", "[SEP]" }.Select(TinyBert.Id)],
            [.. new[] { "[CLS]", "hello", ",", "world", "!", "[SEP]" }.Select(TinyBert.Id)],
            [.. new[] { "[CLS]", "pay", "bill", "##s", "[SEP]" }.Select(TinyBert.Id)],
            [.. new[] { "[CLS]", "un", "##lock", "my", "phone", "now", "please", "[SEP]" }.Select(TinyBert.Id)],
            [.. new[] { "[CLS]", "[UNK]", "[SEP]" }.Select(TinyBert.Id)],
            [.. new[] { "[CLS]", "cafe", "open", "?", "[SEP]" }.Select(TinyBert.Id)],
        ];
        for (int i = 0; i < texts.Length; i++) Assert.Equal(ids[i], model.Embedder.Tokenizer.Encode(texts[i]));

        var vectors = Embed(model, texts); // one padded batch
        double worst = 0;
        for (int i = 0; i < texts.Length; i++)
        {
            var expected = bert.SentenceVector(ids[i]);
            for (int j = 0; j < TinyBert.Hidden; j++) worst = Math.Max(worst, Math.Abs(vectors[i * TinyBert.Hidden + j] - expected[j]));
        }
        Assert.True(worst < 1e-5, $"the BERT folder's vectors differ from the reference by {worst}");
    }

    [Fact]
    public void MiniLmExportedAsAHuggingFaceFolderLoadsAsBertWithTheBuiltInVectors()
    {
        using var dir = new TempDir();
        using (var miniLm = fixture.Encoder(fineTuneLayers: 0)) BertFolder.Export(miniLm, dir.Path);
        Assert.Equal(BertConfig.MiniLm, BertConfig.Read(Path.Combine(dir.Path, "config.json")));

        string[] texts = ["How do I reset my online banking password?", "my card got declined at the store today", "Play some jazz music",
            "Naïve Bayes is a simple baseline — surprisingly strong.", "東京は日本の首都です。", "?", "", "Book a table for 4 at 7:30pm tomorrow"];
        var builtIn = Embed(FewShotModel.Create(FewShotModel.NewSpec(PrototypicalNetwork.Name, null, new EncoderOptions { Kind = MiniLmEncoder.KindName }, [])), texts);
        var fromFolder = Embed(BertModel(dir.Path), texts);
        double worst = builtIn.Zip(fromFolder, (a, b) => (double)Math.Abs(a - b)).Max();
        Assert.True(worst < 1e-5, $"the exported folder's vectors differ from the built-in MiniLM's by {worst}");
    }

    [Fact]
    public void CheckpointsOfABertFolderModelReloadAndAreRefusedWhenTheWeightsFileChanged()
    {
        using var dir = new TempDir();
        string folder = Path.Combine(dir.Path, "tiny");
        TinyBert.Write(folder);
        string[] texts = ["the cat sat on the mat.", "pay my bill", "hello world"];
        var model = BertModel(folder, fineTuneLayers: 1);
        var top = model.Learner.Module.named_parameters().Single(p => p.name.EndsWith("layers.1.output_bias", StringComparison.Ordinal)).parameter;
        using (no_grad()) top.add_(0.3f); // as if fine-tuned; the frozen bottom is restored from the folder
        string checkpoint = Path.Combine(dir.Path, "model.ckpt");
        Checkpoint.SaveModel(checkpoint, model);

        var header = Checkpoint.ReadHeader(checkpoint);
        Assert.Equal(Path.GetFullPath(folder), header.Spec.Encoder.Path);
        Assert.Equal(Sha256(Path.Combine(folder, "model.safetensors")), header.Spec.Encoder.WeightsSha256);
        Assert.Equal(Sha256(Path.Combine(folder, "vocab.txt")), header.Spec.Encoder.VocabularySha256);
        Assert.Equal(Embed(model, texts), Embed(Checkpoint.LoadModel(checkpoint), texts));

        string vocabulary = Path.Combine(folder, "vocab.txt");
        string original = File.ReadAllText(vocabulary);
        File.WriteAllText(vocabulary, original.Replace("cat\nsat", "sat\ncat")); // same size, other ids
        var ids = Assert.Throws<InvalidDataException>(() => Checkpoint.LoadModel(checkpoint));
        Assert.Contains(Path.Combine(Path.GetFullPath(folder), "vocab.txt"), ids.Message);
        Assert.Contains("changed", ids.Message);
        File.WriteAllText(vocabulary, original);
        Assert.Equal(Embed(model, texts), Embed(Checkpoint.LoadModel(checkpoint), texts));

        TinyBert.Write(folder, seed: 12); // other weights in the same place
        var e = Assert.Throws<InvalidDataException>(() => Checkpoint.LoadModel(checkpoint));
        Assert.Contains(Path.Combine(Path.GetFullPath(folder), "model.safetensors"), e.Message);
        Assert.Contains("changed", e.Message);
    }

    [Fact]
    public void AModelWithItsOwnModuleBesideTheEncoderExportsTheEncoderUnderBertNamesAndTheRestUnderItsOwn()
    {
        using var dir = new TempDir();
        string folder = Path.Combine(dir.Path, "tiny");
        TinyBert.Write(folder);
        var spec = FewShotModel.NewSpec(RelationNetwork.Name, null, new EncoderOptions { Kind = BertFolder.KindName, Path = folder, FineTuneLayers = -1 }, []);
        var model = FewShotModel.Create(spec);
        var names = MetaNlp.Models.ModelSafetensors.Names(model);
        Assert.Contains(("encoder.layers.1.query_weight", "encoder.layer.1.attention.self.query.weight"), names);
        Assert.Contains(("encoder.word_embedding", "embeddings.word_embeddings.weight"), names);
        var own = names.Where(n => !n.Module.StartsWith("encoder.", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(own); // the relation module
        Assert.All(own, n => Assert.Equal(n.Module, n.Exported));

        string path = Path.Combine(dir.Path, "relation.safetensors");
        MetaNlp.Models.ModelSafetensors.Export(model, path);
        string[] texts = ["the cat sat on the mat.", "pay my bill"];
        var again = MetaNlp.Models.ModelSafetensors.Load(path);
        Assert.Equal(Embed(model, texts), Embed(again, texts));

        var exported = Assert.IsType<MiniLmEncoder>(model.Embedder.Encoder);
        var e = Assert.Throws<ArgumentException>(() => BertFolder.Export(exported, folder)); // would overwrite what it reads
        Assert.Contains("read from", e.Message);
    }

    [Fact]
    public void MalformedFoldersGiveErrorsNamingTheFile()
    {
        using var dir = new TempDir();
        var bert = TinyBert.Write(dir.Path);
        string config = Path.Combine(dir.Path, "config.json");
        string weights = Path.Combine(dir.Path, "model.safetensors");
        string original = File.ReadAllText(config);

        void Refused(string file, params string[] words)
        {
            var e = Record.Exception(() => BertModel(dir.Path));
            Assert.True(e is InvalidDataException or FileNotFoundException, $"{e?.GetType().Name}: {e?.Message}");
            Assert.Contains(file, e!.Message);
            foreach (string word in words) Assert.Contains(word, e.Message);
        }

        File.WriteAllText(config, original.Replace("\"hidden_size\": 32,", ""));
        Refused(config, "hidden_size");
        File.WriteAllText(config, original.Replace("\"gelu\"", "\"relu\""));
        Refused(config, "hidden_act", "relu");
        File.WriteAllText(config, original.Replace("\"num_attention_heads\": 4", "\"num_attention_heads\": 5"));
        Refused(config, "num_attention_heads");
        File.WriteAllText(config, original);

        bert.Save(weights, "encoder.layer.1.output.LayerNorm.bias");
        Refused(weights, "'encoder.layer.1.output.LayerNorm.bias'");
        bert.Save(weights);
        File.WriteAllBytes(weights, File.ReadAllBytes(weights)[..^10]);
        Refused(weights, "truncated");
        File.Delete(weights);
        Refused(weights);
        bert.Save(weights);

        string tokenizer = Path.Combine(dir.Path, "tokenizer_config.json");
        File.WriteAllText(tokenizer, """{"do_lower_case": false}""");
        Refused(tokenizer, "cased");
        File.Delete(tokenizer);
        Assert.Equal(TinyBert.Hidden, BertModel(dir.Path).Embedder.Encoder.OutputDim); // repaired: loads again
    }

    [Fact]
    public void OptionsOfTheBertKindNeedAFolderAndOnlyItHasOne()
    {
        Assert.Throws<ArgumentException>(() => new EncoderOptions { Kind = BertFolder.KindName }.Validate());
        Assert.Throws<ArgumentException>(() => new EncoderOptions { Kind = "cnn", Path = "somewhere" }.Validate());
        Assert.Throws<ArgumentException>(() => new EncoderOptions { Kind = BertFolder.KindName, Path = "x", WeightsSha256 = "abc" }.Validate());
        new EncoderOptions { Kind = BertFolder.KindName, Path = "x", FineTuneLayers = 12 }.Validate();
        Assert.Contains(BertFolder.KindName, EncoderOptions.AllKinds);
        Assert.DoesNotContain(BertFolder.KindName, EncoderOptions.Kinds); // no recipe, no --encoder value: a folder is needed
        Assert.True(EncoderOptions.IsPretrained(BertFolder.KindName));
    }
}
