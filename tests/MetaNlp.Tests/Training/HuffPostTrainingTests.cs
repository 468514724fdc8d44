using MetaNlp.Algorithms;
using MetaNlp.Data;
using MetaNlp.Encoders;
using MetaNlp.Evaluation;
using MetaNlp.Models;
using MetaNlp.Tests.Data;
using MetaNlp.Training;
using static TorchSharp.torch;

namespace MetaNlp.Tests.Training;

/// <summary>A short meta-training run on real HuffPost headlines per metric learner, tested on classes never seen in training.</summary>
[Trait("Category", "Slow")] // meta-trains or runs for minutes: `dotnet test --filter "Category!=Slow"` leaves it out locally
public class HuffPostTrainingTests
{
    // Induction's neural tensor layer (100 slices of 300 x 300) needs more episodes than the others to move.
    public static TheoryData<string, string, int> Learners => new()
    {
        { PrototypicalNetwork.Name, "{\"distance\": \"Cosine\"}", 100 },
        { MatchingNetwork.Name, "{}", 100 },
        { SiameseNetwork.Name, "{}", 100 },
        { RelationNetwork.Name, "{}", 100 },
        { InductionNetwork.Name, "{}", 250 },
    };

    [RealDataTheory]
    [MemberData(nameof(Learners))]
    public void AShortRunOnHuffPostBeatsChanceClearly(string algorithm, string options, int episodes)
    {
        using var dir = new TempDir();
        var loaded = DatasetRegistry.Get("huffpost").Load(TestData.Directory!);
        var split = loaded.Split!;
        var shape = new EpisodeSamplerOptions { Ways = 5, Shots = 5, Queries = 10 };
        manual_seed(1);
        var spec = FewShotModel.NewSpec(algorithm, System.Text.Json.JsonDocument.Parse(options).RootElement,
            new EncoderOptions(), loaded.Dataset.WithClasses(split.Train).Select(e => e.Text));
        var trainer = new MetaTrainerOptions { MaxEpisodes = episodes, ValidateEvery = 0 };
        var result = new MetaTrainer().Train(FewShotModel.Create(spec), trainer, new EpisodeSampler(loaded.Dataset.All, split.Train, shape, 1), null, dir.Path);
        var model = Checkpoint.LoadModel(result.ModelPath);
        var test = EpisodeEvaluator.Evaluate(model.Learner, new EpisodeSampler(loaded.Dataset.All, split.Test, shape, 2), 100);
        // Chance is 20%; require the whole 95% interval to sit at least 3 points above it.
        Assert.True(test.Accuracy.Mean - test.Accuracy.Ci95 > 0.23, $"{algorithm}: HuffPost 5-way 5-shot after {episodes} episodes: {test.Accuracy} %");
    }
}
