using MetaNlp.Data;
using MetaNlp.Evaluation;
using MetaNlp.Models;
using MetaNlp.Server;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace MetaNlp.Tests.Server;

/// <summary>
/// Where the service's default "none of these" threshold for the pretrained MiniLM comes from: CLINC150's validation
/// data (docs/SERVICE.md). Classifiers of a few intents each are made from the 5-shot training set (train_5), and the
/// threshold on the best probability is chosen as `metanlp eval` chooses it (best joint accuracy) over the validation
/// queries of those intents together with the 100 out-of-scope validation queries.
/// </summary>
public class DefaultThresholdTests(ITestOutputHelper output)
{
    /// <summary>Labels per measured classifier: the size of a classifier made on the page.</summary>
    public const int Labels = 5;

    /// <summary>Classifiers measured.</summary>
    public const int Classifiers = 60;

    [RealDataFact]
    public void ThePretrainedDefaultIsTheThresholdChosenOnClincValidation()
    {
        var data = DnncLoader.Load(TestData.Path("fewshot_intent_dnnc"), "CLINC150");
        var support = data.Part("train_5");
        var validation = data.Part("valid");
        var outOfScope = DnncLoader.LoadPart(TestData.Path("fewshot_intent_dnnc", "CLINC150", "oos", "valid"));
        var test = data.Part("test");
        var outOfScopeTest = DnncLoader.LoadPart(TestData.Path("fewshot_intent_dnnc", "CLINC150", "oos", "test"));
        var model = PretrainedModels.Create(PretrainedModels.MiniLm);
        model.Learner.Module.eval();
        var intents = support.Select(e => e.Label).Distinct().Order(StringComparer.Ordinal).ToArray();
        var random = new Random(20261206);
        var inScope = new List<(bool, double)>();
        var outScores = new List<double>();
        var testIn = new List<(bool Correct, double Probability)>();
        var testOut = new List<double>();
        using (no_grad())
        {
            for (int c = 0; c < Classifiers; c++)
            {
                var chosen = intents.OrderBy(_ => random.Next()).Take(Labels).ToHashSet(StringComparer.Ordinal);
                using var scope = NewDisposeScope();
                using var classifier = model.Learner.Adapt([.. support.Where(e => chosen.Contains(e.Label))]);
                Score(classifier, validation.Where(e => chosen.Contains(e.Label)).ToArray(), inScope);
                outScores.AddRange(classifier.Predict([.. outOfScope.Select(e => e.Text)]).Select(p => p.Probability));
                Score(classifier, test.Where(e => chosen.Contains(e.Label)).ToArray(), testIn);
                testOut.AddRange(classifier.Predict([.. outOfScopeTest.Select(e => e.Text)]).Select(p => p.Probability));
            }
        }
        var (threshold, accuracy) = OutOfScopeEvaluator.ChooseThreshold(inScope, outScores);
        double inKept = testIn.Count(s => s.Correct && s.Probability >= NoneOfThese.PretrainedDefault) / (double)testIn.Count;
        double outRejected = testOut.Count(p => p < NoneOfThese.PretrainedDefault) / (double)testOut.Count;
        double inAtZero = testIn.Count(s => s.Correct) / (double)testIn.Count;
        output.WriteLine($"chosen on validation: {threshold:F4} (joint accuracy {accuracy:P2}); at the default {NoneOfThese.PretrainedDefault} on test: "
            + $"in-scope right and kept {inKept:P2} (at 0: {inAtZero:P2}), out-of-scope rejected {outRejected:P2}");
        Assert.InRange(NoneOfThese.PretrainedDefault, Math.Round(threshold, 2) - 0.005, Math.Round(threshold, 2) + 0.005);
    }

    private static void Score(MetaNlp.Algorithms.IFewShotClassifier classifier, TextExample[] queries, List<(bool, double)> into)
    {
        var predictions = classifier.Predict([.. queries.Select(q => q.Text)]);
        for (int i = 0; i < queries.Length; i++) into.Add((predictions[i].Label == queries[i].Label, predictions[i].Probability));
    }
}
