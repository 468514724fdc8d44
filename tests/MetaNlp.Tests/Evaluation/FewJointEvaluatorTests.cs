using MetaNlp.Data;
using MetaNlp.Encoders;
using MetaNlp.Evaluation;
using MetaNlp.Models;

namespace MetaNlp.Tests.Evaluation;

public class FewJointEvaluatorTests
{
    [Fact]
    public void EachEpisodeAdaptsToItsOwnSupportAndASingleIntentEpisodeScoresEveryQuery()
    {
        var pool = ToyData.Examples(classes: 3, perClass: 20, seed: 5);
        IReadOnlyList<TextExample> Of(int c, int skip, int take) => [.. pool.Where(e => e.Label == $"class{c}").Skip(skip).Take(take)];
        var parts = new Dictionary<string, IReadOnlyList<TextExample>>
        {
            ["test_0.support"] = [.. Of(0, 0, 5), .. Of(1, 0, 5), .. Of(2, 0, 5)],
            ["test_0.query"] = [.. Of(0, 5, 10), .. Of(1, 5, 3), .. Of(2, 5, 7)],
            ["test_1.support"] = Of(2, 12, 3),
            ["test_1.query"] = Of(2, 15, 4),
        };
        var dataset = new TextDataset("toy-fewjoint", parts);
        var episodes = new[] { new FewJointEpisode("test_0", "a", "test_0.support", "test_0.query"), new FewJointEpisode("test_1", "b", "test_1.support", "test_1.query") };
        var spec = FewShotModel.NewSpec("protonet", null, new EncoderOptions { Kind = "boe", EmbeddingDim = 16 }, pool.Select(e => e.Text));
        TorchSharp.torch.manual_seed(3);
        var learner = FewShotModel.Create(spec).Learner;

        var result = FewJointEvaluator.Evaluate(learner, dataset, episodes);
        Assert.Equal(["test_0 (a)", "test_1 (b)"], result.Tasks.Select(t => t.Task));
        Assert.Equal([20, 4], result.Tasks.Select(t => t.Queries));
        var direct = AllClassesEvaluator.Evaluate(learner, dataset.Part("test_0.support"), dataset.Part("test_0.query"));
        Assert.Equal(direct.Accuracy.Mean, result.Tasks[0].Accuracy, 12);
        Assert.Equal((1.0, 1), (result.Tasks[1].Accuracy, result.Tasks[1].Classes));
        Assert.Equal((direct.Accuracy.Mean + 1.0) / 2, result.Accuracy.Mean, 12);
        Assert.Throws<ArgumentException>(() => FewJointEvaluator.Evaluate(learner, dataset, []));
    }
}
