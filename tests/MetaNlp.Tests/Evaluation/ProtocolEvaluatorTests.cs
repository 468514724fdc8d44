using MetaNlp.Data;
using MetaNlp.Evaluation;

namespace MetaNlp.Tests.Evaluation;

public class ProtocolEvaluatorTests
{
    private static readonly BenchmarkProtocol ArscProtocol = new(BenchmarkKind.ArscTasks, 2, [5], 0, 2, "toy");

    // n examples of a label whose text starts with the word the keyword learner answers.
    private static IEnumerable<TextExample> Said(string answer, string label, int n) =>
        Enumerable.Range(0, n).Select(i => new TextExample($"{answer} review {i}", label));

    private static ProtocolData Arsc(int secondTaskShots)
    {
        var parts = new Dictionary<string, IReadOnlyList<TextExample>>
        {
            // a.t2: "1" queries 3 right and 1 wrong, "-1" queries 2 right: accuracy 5/6, balanced (3/4 + 1) / 2.
            ["a.t2.train"] = [.. Said("1", "1", 5), .. Said("-1", "-1", 5)],
            ["a.t2.test"] = [.. Said("1", "1", 3), .. Said("-1", "1", 1), .. Said("-1", "-1", 2)],
            // b.t4: both "1" queries wrong, both "-1" right: accuracy 1/2, balanced (0 + 1) / 2.
            ["b.t4.train"] = [.. Said("1", "1", secondTaskShots), .. Said("-1", "-1", secondTaskShots)],
            ["b.t4.test"] = [.. Said("-1", "1", 2), .. Said("-1", "-1", 2)],
        };
        var tasks = new ArscTasks([new ArscTask("a", "t2"), new ArscTask("b", "t4")], [], []);
        return new ProtocolData("toy-arsc", new TextDataset("toy-arsc", parts), null, new ArscParts(tasks), ArscProtocol);
    }

    [Fact]
    public void ArscIsTheMeanOverTasksWorkedByHand()
    {
        var progress = new List<EvaluationProgress>();
        var report = Assert.IsType<ArscReport>(ProtocolEvaluator.Evaluate(new KeywordLearner(), Arsc(5), new ProtocolEvaluationOptions { OnProgress = progress.Add }));

        Assert.Equal(["a.t2", "b.t4"], report.Result.Tasks.Select(t => t.Task));
        Assert.Equal([6, 4], report.Result.Tasks.Select(t => t.Queries));
        Assert.Equal(5.0 / 6, report.Result.Tasks[0].Accuracy, 12);
        Assert.Equal(0.875, report.Result.Tasks[0].BalancedAccuracy, 12);
        Assert.Equal(0.5, report.Result.Tasks[1].Accuracy, 12);
        Assert.Equal(0.5, report.Result.Tasks[1].BalancedAccuracy, 12);
        // Mean of 5/6 and 1/2; the population deviation of two values is half their distance, 1/6.
        Assert.Equal(2.0 / 3, report.Accuracy.Mean, 12);
        Assert.Equal(1.96 * (1.0 / 6) / Math.Sqrt(2), report.Accuracy.Ci95, 12);
        Assert.Equal(0.6875, report.Result.BalancedAccuracy, 12);
        Assert.Equal((2, 5, 2), (report.Ways, report.Shots, report.Episodes));
        Assert.Equal(("toy-arsc", BenchmarkKind.ArscTasks), (report.Dataset, report.Kind));
        Assert.Equal([(EvaluationProgress.ArscStage, 1L, 2L, "a.t2"), (EvaluationProgress.ArscStage, 2L, 2L, "b.t4")],
            progress.Select(p => (p.Stage, p.Done, p.Total, p.Item)));
    }

    [Fact]
    public void ArscTasksWithOtherShotsReportNoCommonShots()
    {
        var report = ProtocolEvaluator.Evaluate(new KeywordLearner(), Arsc(3));
        Assert.Equal(2, report.Ways);
        Assert.Null(report.Shots);
        Assert.Equal([5, 3], ((ArscReport)report).Result.Tasks.Select(t => t.Shots));
    }

    [Fact]
    public void AFixedSupportSetIsScoredAtOnceAndOutOfScopeAtTheValidationThreshold()
    {
        var parts = new Dictionary<string, IReadOnlyList<TextExample>>
        {
            ["train"] = [.. Said("A", "A", 3), .. Said("B", "B", 3)],
            ["val"] = [.. Said("A", "A", 2), .. Said("B", "B", 2)],
            ["oos_val"] = [.. Said("zzz", "oos", 2)],
            // Right: the first A and the B; the second "B" query is answered A.
            ["test"] = [.. Said("A", "A", 1), .. Said("B", "B", 1), .. Said("A", "B", 1)],
            ["oos_test"] = [.. Said("zzz", "oos", 1), .. Said("A", "oos", 1)],
        };
        var fixedSupport = new FixedSupportParts("train", "test") { Validation = "val", OutOfScope = new OutOfScopeParts("val", "oos_val", "oos_test") };
        var data = new ProtocolData("toy-oos", new TextDataset("toy-oos", parts), null, fixedSupport, new BenchmarkProtocol(BenchmarkKind.OutOfScope, 2, [], 0, 1, "toy"));
        var stages = new List<string>();
        var report = Assert.IsType<AllClassesReport>(ProtocolEvaluator.Evaluate(new KeywordLearner(), data, new ProtocolEvaluationOptions { OnProgress = p => stages.Add(p.Stage) }));

        Assert.Equal(2.0 / 3, report.Accuracy.Mean, 12);
        Assert.Equal((2, 3, 1), (report.Ways, report.Shots, report.Episodes));
        Assert.Equal(3, report.Result.QuerySize);
        Assert.Equal(1, report.Result.Confusion["B", "A"]);
        // Validation: the in-scope queries score 0.9, the out-of-scope ones 0.4, so 0.9 separates them all.
        var oos = report.OutOfScope!;
        Assert.Equal(0.9, oos.Threshold, 12);
        Assert.Equal(1.0, oos.ValidationAccuracy, 12);
        Assert.Equal(2.0 / 3, oos.InScopeAccuracy, 12);
        Assert.Equal(0.5, oos.OutOfScopeRecall, 12);
        Assert.Equal(3.0 / 5, oos.JointAccuracy, 12);
        Assert.Equal([EvaluationProgress.EpisodesStage, EvaluationProgress.OutOfScopeStage], stages.Distinct());

        var withoutOutOfScope = ProtocolEvaluator.Evaluate(new KeywordLearner(), data with { Parts = fixedSupport with { OutOfScope = null } });
        Assert.Null(Assert.IsType<AllClassesReport>(withoutOutOfScope).OutOfScope);
    }

    [Fact]
    public void EpisodicDataRunsSeededEpisodesOverTheChosenPool()
    {
        var examples = Enumerable.Range(0, 5).SelectMany(c => Said($"c{c}", $"c{c}", 6)).ToArray();
        var split = new ClassSplit(["c0", "c1"], [], ["c2", "c3", "c4"]);
        var data = ProtocolData.Episodic("toy", new TextDataset("toy", examples), split);
        var options = new ProtocolEvaluationOptions { Sampling = new EpisodeSamplerOptions { Ways = 5, Shots = 2, Queries = 2 }, Episodes = 4 };

        var report = Assert.IsType<EpisodicReport>(ProtocolEvaluator.Evaluate(new KeywordLearner(), data, options));
        // Every query starts with its own label, so every episode is right; five ways asked, three test classes run.
        Assert.Equal((1.0, 0.0), (report.Accuracy.Mean, report.Accuracy.Ci95));
        Assert.Equal((3, 2, 4), (report.Ways, report.Shots, report.Episodes));
        Assert.Equal(BenchmarkKind.Episodic, report.Kind);
        Assert.NotNull(report.Note);
        Assert.Equal(2, ((EpisodicReport)ProtocolEvaluator.Evaluate(new KeywordLearner(), data, options with { Classes = ClassPool.Train })).Ways);
        Assert.Equal(5, ((EpisodicReport)ProtocolEvaluator.Evaluate(new KeywordLearner(), data with { Split = null }, options)).Ways);

        var empty = Assert.Throws<ArgumentException>(() => ProtocolEvaluator.Evaluate(new KeywordLearner(), data, options with { Classes = ClassPool.Validation }));
        Assert.Contains("no val classes", empty.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheVocabularyComesFromTheSupportTheTrainingTasksOrTheTrainingClasses()
    {
        var arsc = Arsc(5);
        var vocabulary = arsc.VocabularyExamples();
        Assert.Empty(vocabulary); // the toy task list has no meta-training tasks
        var withTraining = arsc with { Parts = new ArscParts(new ArscTasks([new ArscTask("a", "t2")], [new ArscTask("b", "t4")], [])) };
        Assert.Equal(arsc.Dataset.Part("b.t4.train"), withTraining.VocabularyExamples());

        var dataset = new TextDataset("toy", new Dictionary<string, IReadOnlyList<TextExample>> { ["train"] = [.. Said("A", "A", 2)], ["test"] = [.. Said("B", "B", 2)] });
        Assert.Equal(dataset.Part("train"), new FixedSupportParts("train", "test").VocabularyExamples(dataset, new ClassSplit(["B"], [], [])));
        Assert.Equal(dataset.Part("test"), EpisodicParts.Instance.VocabularyExamples(dataset, new ClassSplit(["B"], [], ["A"])));
        Assert.Equal(dataset.All, EpisodicParts.Instance.VocabularyExamples(dataset, null));
        Assert.Equal(dataset.All, EpisodicParts.Instance.VocabularyExamples(dataset, new ClassSplit([], [], ["A", "B"])));
    }
}
