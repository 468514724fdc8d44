using System.Diagnostics;
using MetaNlp.Algorithms;
using MetaNlp.Data;
using MetaNlp.Encoders;
using MetaNlp.Evaluation;
using MetaNlp.Models;
using MetaNlp.Tests.Data;
using MetaNlp.Training;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace MetaNlp.Tests.Training;

/// <summary>
/// Meta-learning must add to the pretrained encoder: per learner family, a short meta-training run of MiniLM's top
/// layer on the ARSC training tasks beats the frozen encoder with no training on target tasks it never saw.
/// </summary>
/// <remarks>
/// ARSC is the small real task where this shows in a minute: the frozen sentence vectors group reviews by topic, not
/// by sentiment (the untrained ProtoNet scores near chance), and 2-way episodes of the 57 training tasks teach the top
/// layer what separates a good review from a bad one (docs/BENCHMARKS.md, "ARSC on MiniLM").
/// </remarks>
[Trait("Category", "Slow")] // meta-trains or runs for minutes: `dotnet test --filter "Category!=Slow"` leaves it out locally
public class MiniLmMetaTrainingTests(ITestOutputHelper output)
{
    private const int QueriesPerLabel = 50;
    private const int Episodes = 40;

    // The data and the frozen floor are the same for every family: read and scored once.
    private static readonly Lazy<ArscSetting> Setting = new(ArscSetting.Read);

    // Adam at 1e-3 on the top layer, 40 episodes of 2-way 5-shot with 5 queries. ProtoMAML adapts the head (started
    // from the prototypes) in its inner loop; Reptile must adapt the encoder too, since its outer step only moves
    // weights toward their adapted values and a head adapted alone averages back to where it started.
    public static TheoryData<string, string, string> Families => new()
    {
        { "metric", PrototypicalNetwork.Name, "{\"distance\": \"Cosine\"}" },
        { "learned comparator", RelationNetwork.Name, "{}" },
        { "gradient (MAML)", ProtoMaml.Name, "{\"firstOrder\": true, \"innerSteps\": 3, \"testInnerSteps\": 5, \"adaptEncoder\": false}" },
        { "gradient (Reptile)", Reptile.Name, "{\"innerSteps\": 3, \"testInnerSteps\": 5}" },
    };

    [RealDataTheory]
    [MemberData(nameof(Families))]
    public void AShortRunOfTheTopLayerBeatsTheFrozenEncoderOnTasksItNeverSaw(string family, string algorithm, string options)
    {
        var setting = Setting.Value;
        using var dir = new TempDir();
        manual_seed(1);
        var spec = FewShotModel.NewSpec(algorithm, Json(options), new EncoderOptions { Kind = MiniLmEncoder.KindName, FineTuneLayers = 1 }, setting.TrainingTexts);
        var trainer = new MetaTrainerOptions { MaxEpisodes = Episodes, LearningRate = 1e-3, ValidateEvery = 0 };
        var clock = Stopwatch.StartNew();
        var result = new MetaTrainer().Train(FewShotModel.Create(spec), trainer, setting.Training(), null, dir.Path);
        double trainSeconds = clock.Elapsed.TotalSeconds;
        double trained = setting.Score(Checkpoint.LoadModel(result.ModelPath).Learner);
        output.WriteLine($"{family} ({algorithm}): frozen {setting.Frozen * 100:F2}, after {Episodes} episodes {trained * 100:F2} (training {trainSeconds:F0} s)");
        Assert.True(trained > setting.Frozen + 0.05, $"{family} ({algorithm}): {trained * 100:F2} after {Episodes} episodes against the frozen encoder's {setting.Frozen * 100:F2}");
    }

    private static System.Text.Json.JsonElement Json(string text) => System.Text.Json.JsonDocument.Parse(text).RootElement;

    /// <summary>
    /// The ARSC dataset and tasks, the texts of the training tasks, and the frozen encoder's score on the four target
    /// tasks at threshold t4 (one per target domain), each adapted to its own 5 + 5 support set and scored on the first
    /// <see cref="QueriesPerLabel"/> test reviews of each label (so accuracy is balanced accuracy).
    /// </summary>
    private sealed record ArscSetting(TextDataset Dataset, ArscTasks Tasks, string[] TrainingTexts)
    {
        public double Frozen { get; private init; }

        public static ArscSetting Read()
        {
            var loaded = DatasetRegistry.Get("arsc").Load(TestData.Directory!);
            var tasks = ((ArscParts)loaded.Parts).Tasks;
            var setting = new ArscSetting(loaded.Dataset, tasks, [.. tasks.TrainingExamples(loaded.Dataset).Select(e => e.Text)]);
            var frozen = FewShotModel.NewSpec(PrototypicalNetwork.Name, Json("{\"distance\": \"Cosine\"}"), new EncoderOptions { Kind = MiniLmEncoder.KindName }, setting.TrainingTexts);
            return setting with { Frozen = setting.Score(FewShotModel.Create(frozen).Learner) };
        }

        /// <summary>2-way 5-shot episodes with 5 queries per class, each from one training task.</summary>
        public TaskEpisodeSampler Training() => Tasks.TrainingEpisodes(Dataset, new EpisodeSamplerOptions { Ways = 2, Shots = 5, Queries = 5 }, seed: 1);

        public double Score(IFewShotLearner learner) =>
            ArscEvaluator.Evaluate(learner, Dataset, Tasks.TargetTasks.Where(t => t.Threshold == "t4"), QueriesPerLabel).Accuracy.Mean;
    }
}
