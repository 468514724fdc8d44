using MetaNlp.Server;
using MetaNlp.Workarounds;

namespace MetaNlp.Tests.Server;

/// <summary>The adapted-classifier cache under pressure: entries pushed out while other threads use them, and a long run.</summary>
[Collection(SerialCollection.Name)]
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

    [Fact]
    public void ALongRunOfRequestsAndReadaptationsDoesNotGrowTheProcess()
    {
        NativeHeap.ConfigureForServing();
        var catalog = new BaseModelCatalog([new BaseModelSource("a", fixture.ModelPath)]);
        using var runtime = new ClassifierRuntime(catalog, capacity: 4);
        var examples = fixture.Support.Select((e, i) => new StoredExample(i + 1, e.Text, e.Label)).ToArray();
        var texts = fixture.Queries.Select(q => q.Text).ToArray();
        // Every 10 requests a classifier gets a new version (re-adapted, the old one disposed); every text is new.
        void Requests(int from, int count)
        {
            for (int i = from; i < from + count; i++)
            {
                var classifier = new StoredClassifier($"c{i % 6}", "c", "a", 0, 1 + i / 10, "", "");
                runtime.Classify(classifier, examples, texts.Select(t => $"{t} {i}").ToArray());
                runtime.Explain(classifier, examples, $"{texts[i % texts.Length]} {i}", 3);
            }
        }
        Requests(0, 200);
        long warm = Training.MemoryTests.Rss();
        long liveTensors = TorchSharp.torch.Tensor.TotalCount;
        Requests(200, 1000);
        // Live native tensors, counted with no forced garbage collection: leaving the replaced versions' adapted
        // classifiers undisposed showed up here as 116 (checked by removing their disposal); a tensor left behind
        // per request would add up to 1,000.
        long leaked = TorchSharp.torch.Tensor.TotalCount - liveTensors;
        Assert.True(leaked < 20, $"{leaked} more live tensors after 1,000 classify and explain requests with a new classifier version every 10 requests");
        double growthMb = (Training.MemoryTests.Rss() - warm) / 1e6;
        Assert.True(growthMb < 25, $"RSS grew by {growthMb:F1} MB over 1,000 classify and explain requests with a new classifier version every 10 requests (from {warm / 1e6:F0} MB)");
    }
}
