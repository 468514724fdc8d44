using MetaNlp.Data;
using MetaNlp.Encoders;
using MetaNlp.Models;
using MetaNlp.Pretrained;
using MetaNlp.Tests.Data;
using MetaNlp.Text;
using static TorchSharp.torch;

namespace MetaNlp.Tests.Encoders;

public class PretrainedTokenTableTests : IClassFixture<MiniLmFixture>
{
    private static readonly EncoderOptions PretrainedCnn = new()
    {
        Kind = "cnn",
        Tokenizer = EncoderOptions.WordPieceTokens,
        Embeddings = EncoderOptions.MiniLmEmbeddings,
        EmbeddingDim = MiniLmWeights.HiddenSize,
        Filters = 4,
    };

    private readonly MiniLmFixture _miniLm;

    public PretrainedTokenTableTests(MiniLmFixture miniLm) => _miniLm = miniLm;

    [Fact]
    public void TheTableIsMiniLmsTokenEmbeddingsScaledToUnitStandardDeviation()
    {
        using var scope = NewDisposeScope();
        var raw = tensor(_miniLm.Weights.Get("embeddings.word_embeddings.weight", MiniLmWeights.VocabularySize, MiniLmWeights.HiddenSize), [MiniLmWeights.VocabularySize, MiniLmWeights.HiddenSize]);
        var table = PretrainedTokenTable.MiniLm();
        Assert.Equal([MiniLmWeights.VocabularySize, MiniLmWeights.HiddenSize], table.shape);
        Assert.Equal(1.0, table.std().item<float>(), 4);
        // One factor for every entry: the rows' directions, and so their neighbours, are MiniLM's.
        float factor = table[0, 0].item<float>() / raw[0, 0].item<float>();
        Assert.InRange(factor, 15, 21); // raw entries have standard deviation 0.056
        Assert.True(table.allclose(raw.mul(factor), rtol: 1e-5, atol: 1e-6));
        // The pretrained table knows words: "good" is closer to "great" than to "table".
        long Id(string word) => _miniLm.Tokenizer.IdOf(word)!.Value;
        double Cosine(string a, string b) => nn.functional.cosine_similarity(table[Id(a)].unsqueeze(0), table[Id(b)].unsqueeze(0)).item<float>();
        Assert.True(Cosine("good", "great") > Cosine("good", "table") + 0.1, $"good~great {Cosine("good", "great"):F3}, good~table {Cosine("good", "table"):F3}");
    }

    [Theory]
    [InlineData("cnn")]
    [InlineData("boe")]
    [InlineData("bilstm")]
    [InlineData("transformer")]
    public void EveryWordEncoderStartsFromTheTableAndRunsOnWordPieceIds(string kind)
    {
        using var scope = NewDisposeScope();
        var options = PretrainedCnn with { Kind = kind, HiddenSize = 8, Heads = 2, FeedForwardSize = 16, Layers = 1 };
        var encoder = EncoderFactory.Create(options, MiniLmWeights.VocabularySize);
        var table = encoder.named_parameters().Single(p => p.name == encoder.TokenTableName).parameter;
        Assert.True(table.requires_grad);
        Assert.True(table.eq(PretrainedTokenTable.MiniLm()).all().item<bool>());
        using var batch = TokenBatch.From(_miniLm.Tokenizer, ["an unbelievably rare word", "hi"], encoder.MinLength);
        var vectors = encoder.Forward(batch);
        Assert.Equal([2L, encoder.OutputDim], vectors.shape);
        Assert.False(vectors.isnan().any().item<bool>());
    }

    [Fact]
    public void AFrozenPretrainedTableIsNotTrainedNorStoredInCheckpoints()
    {
        using var dir = new TempDir();
        using var scope = NewDisposeScope();
        var model = FewShotModel.Create(FewShotModel.NewSpec("protonet", null, PretrainedCnn with { FreezeEmbeddings = true }, []));
        var encoder = model.Embedder.Encoder;
        Assert.False(encoder.named_parameters().Single(p => p.name == encoder.TokenTableName).parameter.requires_grad);
        Assert.Equal([encoder.TokenTableName!], encoder.PretrainedFrozenNames);

        // The 47 MB table is rebuilt from the package, not read back: the file holds only the convolutions.
        string path = Path.Combine(dir.Path, "frozen.ckpt");
        Checkpoint.SaveModel(path, model);
        Assert.InRange(new FileInfo(path).Length, 1, 1_000_000);
        var loaded = Checkpoint.LoadModel(path);
        TextExample[] support = [new("a refund for my order", "refund"), new("the screen is cracked", "damage")];
        string[] queries = ["money back please"];
        using var a = model.Learner.Adapt(support);
        using var b = loaded.Learner.Adapt(support);
        Assert.Equal(a.Predict(queries)[0].Probabilities.ToArray(), b.Predict(queries)[0].Probabilities.ToArray());
        Assert.Empty(EncoderFactory.Create(PretrainedCnn, MiniLmWeights.VocabularySize).PretrainedFrozenNames);  // trained: stored
    }

    [Fact]
    public void AWordPieceSpecHasNoFittedVocabularyAndReadsUnseenWordsAsPieces()
    {
        var spec = FewShotModel.NewSpec("protonet", null, new EncoderOptions { Tokenizer = EncoderOptions.WordPieceTokens, EmbeddingDim = 8, Filters = 4 }, ["only these words"]);
        Assert.Empty(spec.Vocabulary);
        var tokenizer = Assert.IsType<BertWordPieceTokenizer>(FewShotModel.CreateTokenizer(spec));
        Assert.True(tokenizer.EntityMarkerTokens, "a table trained on relation text learns one row per marker");
        var miniLmSpec = FewShotModel.NewSpec("protonet", null, new EncoderOptions { Kind = MiniLmEncoder.KindName }, []);
        Assert.False(Assert.IsType<BertWordPieceTokenizer>(FewShotModel.CreateTokenizer(miniLmSpec)).EntityMarkerTokens, "MiniLM never trained the reserved rows");
        int[] ids = tokenizer.Encode("unbelievably");
        Assert.DoesNotContain(tokenizer.UnknownId, ids);
        Assert.True(ids.Length > 3, "a rare word is several pieces between [CLS] and [SEP]");
        var model = FewShotModel.Create(spec);
        var encoder = model.Embedder.Encoder;
        Assert.Equal([MiniLmWeights.VocabularySize, 8L], encoder.named_parameters().Single(p => p.name == encoder.TokenTableName).parameter.shape);
    }

    [Fact]
    public void ConflictingTokenTableOptionsAreClearErrors()
    {
        var words = Assert.Throws<ArgumentException>(() => EncoderFactory.Create(PretrainedCnn with { Tokenizer = EncoderOptions.WordTokens }, MiniLmWeights.VocabularySize));
        Assert.Contains("wordpiece", words.Message);
        var size = Assert.Throws<ArgumentException>(() => EncoderFactory.Create(PretrainedCnn with { EmbeddingDim = 300 }, MiniLmWeights.VocabularySize));
        Assert.Contains("384", size.Message);
        var unknown = Assert.Throws<ArgumentException>(() => EncoderFactory.Create(PretrainedCnn with { Embeddings = "glove" }, MiniLmWeights.VocabularySize));
        Assert.Contains("glove", unknown.Message);
    }
}
