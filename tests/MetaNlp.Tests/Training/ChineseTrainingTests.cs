using MetaNlp.Algorithms;
using MetaNlp.Data;
using MetaNlp.Encoders;
using MetaNlp.Evaluation;
using MetaNlp.Models;
using MetaNlp.Tests.Data;
using MetaNlp.Training;
using static TorchSharp.torch;

namespace MetaNlp.Tests.Training;

/// <summary>Every learner and word encoder on Chinese text, a checkpoint that keeps its segmentation, and a short real run on TNEWS.</summary>
[Trait("Category", "Slow")] // meta-trains or runs for minutes: `dotnet test --filter "Category!=Slow"` leaves it out locally
public class ChineseTrainingTests
{
    public static TheoryData<string> Learners => new(LearnerRegistry.Names);

    public static TheoryData<string, string> WordEncoders()
    {
        var data = new TheoryData<string, string>();
        foreach (var kind in EncoderOptions.Kinds.Where(k => !EncoderOptions.IsPretrained(k)))
        {
            data.Add(kind, EncoderOptions.JiebaTokens);
            data.Add(kind, EncoderOptions.CharacterTokens);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Learners))]
    public void EveryLearnerTrainsOnChineseAndPredictsItsLabels(string algorithm) =>
        TrainBriefly(algorithm, new EncoderOptions { Tokenizer = EncoderOptions.JiebaTokens, EmbeddingDim = 16, Filters = 8, HiddenSize = 8 });

    [Theory]
    [MemberData(nameof(WordEncoders))]
    public void EveryWordEncoderTrainsOnChineseWithEitherSegmentation(string kind, string tokenizer) =>
        TrainBriefly(PrototypicalNetwork.Name, new EncoderOptions { Kind = kind, Tokenizer = tokenizer, EmbeddingDim = 16, Filters = 8, HiddenSize = 8, Heads = 2, Layers = 1 });

    [Fact]
    public void ACheckpointKeepsItsSegmentationAndChineseVocabulary()
    {
        using var dir = new TempDir();
        var examples = ChineseToy.Examples(4, 6);
        var spec = FewShotModel.NewSpec(PrototypicalNetwork.Name, null, new EncoderOptions { Tokenizer = EncoderOptions.JiebaTokens, EmbeddingDim = 16, Filters = 8 }, examples.Select(e => e.Text));
        Assert.Contains(spec.Vocabulary, t => ChineseToy.Topics.Contains(t)); // jieba words such as 天气, not single characters
        var model = FewShotModel.Create(spec);
        string path = Path.Combine(dir.Path, "model.ckpt");
        Checkpoint.SaveModel(path, model);
        var reloaded = Checkpoint.LoadModel(path);
        Assert.Equal(EncoderOptions.JiebaTokens, reloaded.Spec.Encoder.Tokenizer);
        Assert.Equal(spec.Vocabulary, reloaded.Spec.Vocabulary);
        var episode = new Episode(ChineseToy.Classes(4), examples.Where((_, i) => i % 2 == 0).ToArray(), examples.Where((_, i) => i % 2 == 1).ToArray());
        LearnerChecks.AssertSamePredictions(model.Learner, reloaded.Learner, episode);
    }

    // Episodic TNEWS: meta-train on 10 news topics, test 5-way 5-shot on the 5 topics never trained on (chance 20%).
    [RealDataFact]
    public void AShortCharacterCnnRunOnTnewsBeatsChanceOnUnseenTopics()
    {
        using var dir = new TempDir();
        var tnews = FewClueLoader.Load(TestData.Path("fewclue", "tnews"), "tnews");
        var classes = tnews.Classes.Order(StringComparer.Ordinal).ToArray();
        var train = classes[..10];
        var test = classes[10..];
        var shape = new EpisodeSamplerOptions { Ways = 5, Shots = 5, Queries = 10 };
        manual_seed(1);
        var spec = FewShotModel.NewSpec(PrototypicalNetwork.Name, LearnerRegistry.ToJson(new PrototypicalOptions { Distance = MetricDistance.Cosine }),
            new EncoderOptions { Tokenizer = EncoderOptions.CharacterTokens, EmbeddingDim = 64, Filters = 32 }, tnews.WithClasses(train).Select(e => e.Text));
        var trainer = new MetaTrainerOptions { MaxEpisodes = 150, ValidateEvery = 0 };
        var result = new MetaTrainer().Train(FewShotModel.Create(spec), trainer, new EpisodeSampler(tnews.All, train, shape, 1), null, dir.Path);
        var model = Checkpoint.LoadModel(result.ModelPath);
        var evaluation = EpisodeEvaluator.Evaluate(model.Learner, new EpisodeSampler(tnews.All, test, shape, 2), 100);
        Assert.True(evaluation.Accuracy.Mean - evaluation.Accuracy.Ci95 > 0.25, $"TNEWS 5-way 5-shot on unseen topics after 150 episodes: {evaluation.Accuracy} %");
    }

    private static void TrainBriefly(string algorithm, EncoderOptions encoder)
    {
        using var dir = new TempDir();
        var options = LearnerRegistry.IsGradientBased(algorithm)
            ? LearnerRegistry.ToJson(new GradientLearnerOptions { InnerSteps = 1, TestInnerSteps = 1, FirstOrder = true })
            : (System.Text.Json.JsonElement?)null;
        var examples = ChineseToy.Examples(6, 6);
        manual_seed(1);
        var spec = FewShotModel.NewSpec(algorithm, options, encoder, examples.Select(e => e.Text));
        var shape = new EpisodeSamplerOptions { Ways = 3, Shots = 2, Queries = 2 };
        var result = new MetaTrainer().Train(FewShotModel.Create(spec), new MetaTrainerOptions { MaxEpisodes = 3, ValidateEvery = 0 },
            new EpisodeSampler(examples, ChineseToy.Classes(6), shape, 1), null, dir.Path);
        var model = Checkpoint.LoadModel(result.ModelPath);
        var episode = new EpisodeSampler(examples, ChineseToy.Classes(6), shape, 2).Sample(0);
        using var classifier = model.Learner.Adapt(episode.Support);
        var predictions = classifier.Predict(episode.Query.Select(q => q.Text).ToArray());
        Assert.All(predictions, p => Assert.Contains(p.Label, episode.Classes));
        Assert.All(predictions, p => Assert.True(double.IsFinite(p.Probability), $"{algorithm}: probability {p.Probability}"));
    }
}

/// <summary>Synthetic Chinese classes (no spaces): each class mixes 3 topic words of a shared pool with filler words, labels in Chinese.</summary>
internal static class ChineseToy
{
    public static readonly string[] Topics = ["天气", "下雨", "机票", "北京", "上海", "音乐", "电影", "手机", "银行", "转账", "医院", "学校", "足球", "餐厅", "酒店", "地铁"];
    private static readonly string[] Filler = ["我", "想", "请", "帮", "一下", "今天", "明天", "的", "吗", "，"];

    public static IReadOnlyList<string> Classes(int count) => [.. Enumerable.Range(0, count).Select(c => $"类别{c}")];

    public static IReadOnlyList<TextExample> Examples(int classes, int perClass, int seed = 1)
    {
        var random = new Random(seed);
        var result = new List<TextExample>();
        var names = Classes(classes);
        for (int c = 0; c < classes; c++)
        {
            var keywords = Topics.OrderBy(_ => random.Next()).Take(3).ToArray();
            for (int i = 0; i < perClass; i++)
            {
                var words = new List<string>();
                for (int w = 0; w < 5; w++) words.Add(random.Next(2) == 0 ? keywords[random.Next(keywords.Length)] : Filler[random.Next(Filler.Length)]);
                result.Add(new TextExample(string.Concat(words) + "。", names[c]));
            }
        }
        return result;
    }
}
