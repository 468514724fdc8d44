using MetaNlp.Server;

namespace MetaNlp.Tests.Server;

/// <summary>The adapted-classifier cache under pressure: entries pushed out while other threads use them.</summary>
public class ClassifierRuntimeTests(ServiceFixture fixture) : IClassFixture<ServiceFixture>
{
    [Fact]
    public async Task ACacheOfOneServesManyClassifiersFromManyThreadsWithTheSameAnswers()
    {
        var catalog = new BaseModelCatalog([new BaseModelSource("a", fixture.ModelPath), new BaseModelSource("b", fixture.ModelPath)]);
        using var runtime = new ClassifierRuntime(catalog, capacity: 1);
        var examples = fixture.Support.Select((e, i) => new StoredExample(i + 1, e.Text, e.Label)).ToArray();
        var classifiers = Enumerable.Range(0, 4).Select(i => new StoredClassifier($"c{i}", $"c{i}", i % 2 == 0 ? "a" : "b", 0, 1, "", "")).ToArray();
        var texts = fixture.Queries.Select(q => q.Text).ToArray();
        var expected = runtime.Classify(classifiers[0], examples, texts).Select(p => p.BestLabel).ToArray();

        var workers = Enumerable.Range(0, 8).Select(w => Task.Run(() =>
        {
            for (int round = 0; round < 10; round++)
            {
                var classifier = classifiers[(w + round) % classifiers.Length];
                var labels = runtime.Classify(classifier, examples, texts).Select(p => p.BestLabel).ToArray();
                Assert.Equal(expected, labels);
                var (_, nearest) = runtime.Explain(classifier, examples, texts[w % texts.Length], 2);
                Assert.Equal(2, nearest.Count);
            }
        })).ToArray();
        await Task.WhenAll(workers);
        runtime.Forget("c0");
        Assert.Equal(expected, runtime.Classify(classifiers[0], examples, texts).Select(p => p.BestLabel).ToArray());
    }
}
