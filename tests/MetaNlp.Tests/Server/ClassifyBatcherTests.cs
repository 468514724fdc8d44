using System.Diagnostics;
using MetaNlp.Server;

namespace MetaNlp.Tests.Server;

/// <summary>
/// Batched serving: concurrent classify requests on one base model gathered into one forward pass, each answered with
/// its own predictions; the wait and the batch size bounded; a cancelled request leaving the batch whole; and the
/// adapted-classifier cache consulted before any example is read.
/// </summary>
[Collection(SerialCollection.Name)]
public class ClassifyBatcherTests(ServiceFixture fixture) : IClassFixture<ServiceFixture>
{
    private StoredExample[] Examples(params string[] labels) =>
        [.. fixture.Support.Where(e => labels.Length == 0 || labels.Contains(e.Label)).Select((e, i) => new StoredExample(i + 1, e.Text, e.Label))];

    private ClassifierRuntime Runtime(int waitMs, int texts) =>
        new(new BaseModelCatalog([new BaseModelSource("a", fixture.ModelPath)]), batching: new BatchingOptions { Wait = TimeSpan.FromMilliseconds(waitMs), Texts = texts });

    // Three classifiers of the same base model with different examples (and so different labels).
    private (StoredClassifier Classifier, StoredExample[] Examples)[] Classifiers()
    {
        var labels = fixture.Support.Select(e => e.Label).Distinct().ToArray();
        return
        [
            (new StoredClassifier("all", "all", "a", 0, 1, "", ""), Examples()),
            (new StoredClassifier("two", "two", "a", 0, 1, "", ""), Examples(labels[0], labels[1])),
            (new StoredClassifier("three", "three", "a", 0.5, 1, "", ""), Examples(labels[1], labels[2], labels[3])),
        ];
    }

    [Fact]
    public async Task ConcurrentRequestsOfDifferentClassifiersShareAPassAndGetTheAnswersServedOneByOne()
    {
        var classifiers = Classifiers();
        var queries = fixture.Queries.Select(q => q.Text).ToArray();
        // Request r: classifier r % 3, one or two texts of its own.
        var requests = Enumerable.Range(0, 12).Select(r => (Index: r % 3, Texts: r % 4 == 0 ? new[] { queries[r % queries.Length], queries[(r + 5) % queries.Length] } : [queries[r % queries.Length]])).ToArray();

        using var alone = Runtime(waitMs: 0, texts: 1);   // every request alone in its pass
        var expected = requests.Select(r => alone.Classify(classifiers[r.Index].Classifier, classifiers[r.Index].Examples, r.Texts)).ToArray();
        Assert.Equal(alone.BatcherOf("a").Jobs, alone.BatcherOf("a").Batches);

        using var batched = Runtime(waitMs: 500, texts: 256);
        foreach (var (classifier, examples) in classifiers) batched.Classify(classifier, examples, [queries[0]]);   // adapted before the timed part
        var batcher = batched.BatcherOf("a");
        long batches = batcher.Batches, jobs = batcher.Jobs;
        using var start = new ManualResetEventSlim();
        var answers = requests.Select(r => Task.Run(() =>
        {
            start.Wait();
            return batched.ClassifyAsync(classifiers[r.Index].Classifier, classifiers[r.Index].Examples, r.Texts);
        })).ToArray();
        start.Set();
        var actual = await Task.WhenAll(answers);

        long passes = batcher.Batches - batches;
        Assert.Equal(requests.Length, batcher.Jobs - jobs);
        Assert.True(passes <= requests.Length / 2, $"{requests.Length} concurrent requests ran in {passes} passes: they were not gathered");
        Assert.True(batcher.LargestBatch > 2, $"the largest batch held {batcher.LargestBatch} texts");
        for (int r = 0; r < requests.Length; r++)
        {
            Assert.Equal(expected[r].Count, actual[r].Count);
            for (int t = 0; t < expected[r].Count; t++)
            {
                Assert.Equal(expected[r][t].Label, actual[r][t].Label);
                Assert.Equal(expected[r][t].BestLabel, actual[r][t].BestLabel);
                Assert.Equal(expected[r][t].Probabilities.Keys.Order(), actual[r][t].Probabilities.Keys.Order());   // its own classifier's labels
                foreach (var (label, p) in expected[r][t].Probabilities) Assert.Equal(p, actual[r][t].Probabilities[label], 5);
            }
        }
    }

    [Fact]
    public async Task ALoneRequestWaitsNoLongerThanTheGatheringWindow()
    {
        var (classifier, examples) = Classifiers()[0];
        using var runtime = Runtime(waitMs: (int)BatchingOptions.MaxWait.TotalMilliseconds, texts: BatchingOptions.MaxTexts);
        runtime.Classify(classifier, examples, ["adapt first"]);
        var clock = Stopwatch.StartNew();
        var request = runtime.ClassifyAsync(classifier, examples, ["where is my card"]);
        // A batcher that waited for a full batch would never answer a lone request.
        var first = await Task.WhenAny(request, Task.Delay(TimeSpan.FromSeconds(30)));
        Assert.Same(request, first);
        Assert.Single(await request);
        Assert.True(clock.Elapsed < BatchingOptions.MaxWait + TimeSpan.FromSeconds(10), $"a lone request took {clock.Elapsed.TotalSeconds:F1} s");
    }

    [Fact]
    public async Task ABatchHoldsAtMostItsSizeInTexts()
    {
        var (classifier, examples) = Classifiers()[0];
        using var runtime = Runtime(waitMs: 1000, texts: 2);
        runtime.Classify(classifier, examples, ["adapt first"]);
        var texts = fixture.Queries.Take(6).Select(q => q.Text).ToArray();
        var answers = await Task.WhenAll(texts.Select(t => runtime.ClassifyAsync(classifier, examples, [t])));
        Assert.All(answers, a => Assert.Single(a));
        var batcher = runtime.BatcherOf("a");
        Assert.True(batcher.LargestBatch <= 2, $"a batch held {batcher.LargestBatch} texts, over its size of 2");
        Assert.True(batcher.Batches >= 4, $"7 texts in batches of at most 2 ran in {batcher.Batches} passes");
    }

    [Fact]
    public async Task ACancelledRequestLeavesTheOthersOfItsBatchWhole()
    {
        var (classifier, examples) = Classifiers()[0];
        using var reference = Runtime(waitMs: 0, texts: 1);
        var texts = fixture.Queries.Take(3).Select(q => q.Text).ToArray();
        var expected = texts.Select(t => reference.Classify(classifier, examples, [t])[0]).ToArray();

        using var runtime = Runtime(waitMs: 1000, texts: 256);
        runtime.Classify(classifier, examples, ["adapt first"]);
        using var cancel = new CancellationTokenSource();
        var cancelled = runtime.ClassifyAsync(classifier, examples, [texts[0]], cancel.Token);
        var others = texts.Skip(1).Select(t => runtime.ClassifyAsync(classifier, examples, [t])).ToArray();
        await cancel.CancelAsync();   // within the gathering window: the batch has not run yet
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        var answers = await Task.WhenAll(others);
        for (int i = 0; i < answers.Length; i++)
        {
            Assert.Equal(expected[i + 1].BestLabel, answers[i][0].BestLabel);
            foreach (var (label, p) in expected[i + 1].Probabilities) Assert.Equal(p, answers[i][0].Probabilities[label], 5);
        }
        // The batcher goes on serving.
        Assert.Equal(expected[0].BestLabel, (await runtime.ClassifyAsync(classifier, examples, [texts[0]]))[0].BestLabel);
    }

    [Fact]
    public async Task ACachedVersionIsServedWithoutReadingItsExamples()
    {
        var (classifier, examples) = Classifiers()[0];
        using var runtime = Runtime(waitMs: 0, texts: 32);
        int reads = 0;
        (StoredClassifier, IReadOnlyList<StoredExample>)? Load(StoredClassifier c)
        {
            Interlocked.Increment(ref reads);
            return (c, examples);
        }
        for (int i = 0; i < 3; i++) await runtime.ClassifyAsync(classifier, () => Load(classifier), ["where is my card"]);
        await runtime.ExplainAsync(classifier, () => Load(classifier), "where is my card", 2);
        Assert.Equal(1, reads);
        var changed = classifier with { Version = 2 };
        var (version, _) = await runtime.ClassifyAsync(changed, () => Load(changed), ["where is my card"]);
        Assert.Equal(2, reads);
        Assert.Equal(2, version);
        // A classifier deleted before its examples were read is not found.
        var gone = classifier with { Id = "gone" };
        await Assert.ThrowsAsync<KeyNotFoundException>(() => runtime.ClassifyAsync(gone, () => null, ["where is my card"]));
    }

    [Fact]
    public void BatchingOptionsOutOfBoundsAreRefusedNamingTheOption()
    {
        Assert.Contains("--batch-wait-ms", Assert.Throws<ArgumentException>(() => new BatchingOptions { Wait = TimeSpan.FromMilliseconds(-1) }.Validate()).Message, StringComparison.Ordinal);
        Assert.Contains("--batch-wait-ms", Assert.Throws<ArgumentException>(() => new BatchingOptions { Wait = BatchingOptions.MaxWait + TimeSpan.FromMilliseconds(1) }.Validate()).Message, StringComparison.Ordinal);
        Assert.Contains("--batch-texts", Assert.Throws<ArgumentException>(() => new BatchingOptions { Texts = 0 }.Validate()).Message, StringComparison.Ordinal);
        Assert.Contains("--batch-texts", Assert.Throws<ArgumentException>(() => new BatchingOptions { Texts = BatchingOptions.MaxTexts + 1 }.Validate()).Message, StringComparison.Ordinal);
        new BatchingOptions { Wait = TimeSpan.Zero, Texts = 1 }.Validate();
    }
}
