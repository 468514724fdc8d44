using MetaNlp.Algorithms;
using MetaNlp.Data;
using MetaNlp.Encoders;
using MetaNlp.Evaluation;
using MetaNlp.Tests.Data;
using MetaNlp.Training;
using static TorchSharp.torch;

namespace MetaNlp.Tests.Training;

public class HuffPostTrainingTests
{
    [RealDataFact]
    public void A100EpisodeRunOnHuffPostBeatsChanceClearly()
    {
        using var dir = new TempDir();
        var loaded = DatasetRegistry.Get("huffpost").Load(TestData.Directory!);
        var split = loaded.Split!;
        var shape = new EpisodeSamplerOptions { Ways = 5, Shots = 5, Queries = 10 };
        manual_seed(1);
        var spec = FewShotModel.NewSpec(PrototypicalNetwork.Name, LearnerRegistry.ToJson(new PrototypicalOptions { Distance = MetricDistance.Cosine }),
            new EncoderOptions(), loaded.Dataset.WithClasses(split.Train).Select(e => e.Text));
        var options = new MetaTrainerOptions { MaxEpisodes = 100, ValidateEvery = 0 };
        var result = new MetaTrainer().Train(FewShotModel.Create(spec), options, new EpisodeSampler(loaded.Dataset.All, split.Train, shape, 1), null, dir.Path);
        var model = Checkpoint.LoadModel(result.ModelPath);
        var test = EpisodeEvaluator.Evaluate(model.Learner, new EpisodeSampler(loaded.Dataset.All, split.Test, shape, 2), 100);
        // Chance is 20%; require the whole 95% interval to sit at least 3 points above it.
        Assert.True(test.Accuracy.Mean - test.Accuracy.Ci95 > 0.23, $"HuffPost 5-way 5-shot after 100 episodes: {test.Accuracy} %");
    }
}
