using MetaNlp.Data;
using MetaNlp.Encoders;
using MetaNlp.Evaluation;
using MetaNlp.Models;

namespace MetaNlp.Tests.Evaluation;

public class ArscEvaluatorTests
{
    [Fact]
    public void EachTaskAdaptsToItsOwnSupportAndTheMeansAreOverTasks()
    {
        // Two tasks in the ARSC layout: .train is the support, .test the imbalanced queries.
        var pool = ToyData.Examples(classes: 4, perClass: 30, seed: 4);
        IReadOnlyList<TextExample> Of(int c, int skip, int take, string label) => [.. pool.Where(e => e.Label == $"class{c}").Skip(skip).Take(take).Select(e => e with { Label = label })];
        var parts = new Dictionary<string, IReadOnlyList<TextExample>>
        {
            ["a.t2.train"] = [.. Of(0, 0, 5, "1"), .. Of(1, 0, 5, "-1")],
            ["a.t2.test"] = [.. Of(0, 5, 20, "1"), .. Of(1, 5, 4, "-1")],
            ["b.t4.train"] = [.. Of(2, 0, 5, "1"), .. Of(3, 0, 5, "-1")],
            ["b.t4.test"] = [.. Of(2, 5, 6, "1"), .. Of(3, 5, 12, "-1")],
        };
        var dataset = new TextDataset("toy-arsc", parts);
        var tasks = new[] { new ArscTask("a", "t2"), new ArscTask("b", "t4") };
        var spec = FewShotModel.NewSpec("protonet", null, new EncoderOptions { Kind = "boe", EmbeddingDim = 16 }, pool.Select(e => e.Text));
        TorchSharp.torch.manual_seed(3);
        var learner = FewShotModel.Create(spec).Learner;

        var result = ArscEvaluator.Evaluate(learner, dataset, tasks);
        Assert.Equal(["a.t2", "b.t4"], result.Tasks.Select(t => t.Task));
        Assert.Equal([24, 18], result.Tasks.Select(t => t.Queries));
        for (int i = 0; i < tasks.Length; i++)
        {
            var direct = AllClassesEvaluator.Evaluate(learner, dataset.Part(tasks[i].TrainPart), dataset.Part(tasks[i].TestPart));
            Assert.Equal(direct.Accuracy.Mean, result.Tasks[i].Accuracy, 12);
            Assert.Equal(direct.BalancedAccuracy, result.Tasks[i].BalancedAccuracy, 12);
        }
        Assert.Equal(result.Tasks.Average(t => t.Accuracy), result.Accuracy.Mean, 12);
        Assert.Equal(result.Tasks.Average(t => t.BalancedAccuracy), result.BalancedAccuracy, 12);

        // Capped queries: the first k of each label, so each task scores 2k queries.
        var capped = ArscEvaluator.Evaluate(learner, dataset, tasks, queriesPerLabel: 3);
        Assert.Equal([6, 6], capped.Tasks.Select(t => t.Queries));
        Assert.Throws<ArgumentException>(() => ArscEvaluator.Evaluate(learner, dataset, []));
    }
}
