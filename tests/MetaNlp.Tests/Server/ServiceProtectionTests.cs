using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using MetaNlp.Data;
using MetaNlp.Encoders;
using MetaNlp.Server;
using MetaNlp.Tests.Data;
using Microsoft.Extensions.DependencyInjection;

namespace MetaNlp.Tests.Server;

/// <summary>
/// What keeps one client or one request from taking the service from everyone (rate limits, the request cost limit,
/// turns under a base model's gate) and its memory within the configured bounds. The pretrained MiniLM base model is
/// the slow one these tests need; it is built in (no training run).
/// </summary>
[Collection(SerialCollection.Name)]
public class ServiceProtectionTests
{
    private static readonly IReadOnlyList<TextExample> Support = CsvDatasetReader.ReadExamples(Path.Combine(
        TestData.RepositoryRoot() ?? throw new DirectoryNotFoundException("MetaNlp.slnx not found above the test binaries."), "samples", "support.csv"));

    private static object CreateBody(string name) => new { name, examples = Support.Select(e => new { text = e.Text, label = e.Label }).ToArray() };

    private static async Task<string> Create(ServiceHost host, string name)
    {
        var response = await host.Client.SendAsync(ServiceHost.Authorized(HttpMethod.Post, "/api/classifiers", CreateBody(name)));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await ServiceHost.Json(response)).GetProperty("id").GetString()!;
    }

    private static Task<ServiceHost> StartMiniLm(TempDir dir, Func<ServerOptions, ServerOptions>? configure = null) =>
        ServiceHost.StartAsync("unused", Path.Combine(dir.Path, "classifiers.db"), o =>
        {
            var options = o with
            {
                BaseModels = [BaseModelSource.Pretrained],
                Limits = new ServiceLimits { MaxTextLength = 2_000, MaxBatch = 256, MaxRequestCharacters = 1_000_000 },
            };
            return configure?.Invoke(options) ?? options;
        });

    [Fact]
    public async Task AClientOverTheRateLimitGets429WithRetryAfterAndOtherClientsAreNotHeldUp()
    {
        using var dir = new TempDir();
        const string other = "other-key";
        await using var host = await StartMiniLm(dir, o => o with { ApiKeys = [ServiceHost.Key, other], RateLimit = 3, RateWindow = TimeSpan.FromMinutes(5) });
        for (int i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.OK, (await host.Client.SendAsync(ServiceHost.Authorized(HttpMethod.Get, "/api/models"))).StatusCode);

        var refused = await host.Client.SendAsync(ServiceHost.Authorized(HttpMethod.Get, "/api/models"));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var retryAfter = refused.Headers.RetryAfter?.Delta ?? throw new Xunit.Sdk.XunitException("a 429 without a Retry-After header in seconds");
        Assert.InRange(retryAfter.TotalSeconds, 1, 300);
        var problem = await ServiceHost.Json(refused);
        Assert.Equal(3, problem.GetProperty("limit").GetInt32());
        Assert.Contains("--rate-limit 3", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        // Another key, and the open endpoints, are not held up by this client's window.
        var otherKey = new HttpRequestMessage(HttpMethod.Get, "/api/models");
        otherKey.Headers.Add(ApiKeys.Header, other);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.SendAsync(otherKey)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/health")).StatusCode);
    }

    [Fact]
    public async Task AClassifyOverTheCostLimitIsRefusedWithAProblemThatNamesTheLimit()
    {
        using var dir = new TempDir();
        await using var host = await StartMiniLm(dir, o => o with { RateLimit = 0, Limits = o.Limits with { MaxRequestCharacters = 1_000 } });
        string id = await Create(host, "cost");
        string text = new('a', 400);

        var refused = await host.Client.PostAsJsonAsync($"/api/classifiers/{id}/classify", new { texts = new[] { text, text, text } });
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var problem = await ServiceHost.Json(refused);
        string detail = problem.GetProperty("detail").GetString()!;
        Assert.Contains("1,200 characters", detail, StringComparison.Ordinal);
        Assert.Contains("at most 1,000", detail, StringComparison.Ordinal);
        Assert.Contains("--max-request-chars", detail, StringComparison.Ordinal);
        Assert.Equal(1_000, problem.GetProperty("limit").GetInt32());

        var within = await host.Client.PostAsJsonAsync($"/api/classifiers/{id}/classify", new { texts = new[] { text, text } });
        Assert.Equal(HttpStatusCode.OK, within.StatusCode);
    }

    [Fact]
    public async Task ALongRequestOnOneClassifierDoesNotHoldUpAShortRequestOnAnother()
    {
        using var dir = new TempDir();
        await using var host = await StartMiniLm(dir, o => o with { RateLimit = 0 });
        string slow = await Create(host, "slow"), quick = await Create(host, "quick");
        foreach (var id in new[] { slow, quick })   // adapted before timing
            Assert.Equal(HttpStatusCode.OK, (await host.Client.PostAsJsonAsync($"/api/classifiers/{id}/classify", new { texts = new[] { "warm up" } })).StatusCode);
        var encoder = (MiniLmEncoder)host.App.Services.GetRequiredService<BaseModelCatalog>().All.Single().Model.Embedder.Encoder;

        // 32 new texts of about 1,000 characters: 8 turns of 4 texts, seconds of MiniLM on 2 cores. Held as one lock,
        // as before turns, the quick request waited for all of it (checked: it then ended with the long one).
        string[] longTexts = [.. Enumerable.Range(0, 32).Select(i => string.Join(' ', Enumerable.Repeat($"my card payment number {i} was declined twice at the shop", 18)))];
        long encodedBefore = encoder.EncodedTexts;
        var clock = Stopwatch.StartNew();
        var longRequest = host.Client.PostAsJsonAsync($"/api/classifiers/{slow}/classify", new { texts = longTexts });
        while (encoder.EncodedTexts == encodedBefore && !longRequest.IsCompleted) await Task.Delay(5);   // the long request holds the model now
        Assert.False(longRequest.IsCompleted, "the long request ended before the quick one could be sent: it is not long enough to test anything");

        var quickClock = Stopwatch.StartNew();
        var quickResponse = await host.Client.PostAsJsonAsync($"/api/classifiers/{quick}/classify", new { texts = new[] { "where is my new card" } });
        double quickSeconds = quickClock.Elapsed.TotalSeconds;
        bool longStillRunning = !longRequest.IsCompleted;
        var longResponse = await longRequest;
        double longSeconds = clock.Elapsed.TotalSeconds;

        Assert.Equal(HttpStatusCode.OK, quickResponse.StatusCode);
        Assert.Equal(HttpStatusCode.OK, longResponse.StatusCode);
        Assert.Equal(32, (await ServiceHost.Json(longResponse)).GetProperty("predictions").GetArrayLength());
        Assert.True(longStillRunning && quickSeconds < longSeconds / 2,
            $"the quick request took {quickSeconds:F2} s while the long one took {longSeconds:F2} s (still running when the quick one ended: {longStillRunning})");
    }

    [Fact]
    public async Task TheFirstClassifyOfALargeNewClassifierDoesNotHoldUpARequestOnAnother()
    {
        using var dir = new TempDir();
        await using var host = await StartMiniLm(dir, o => o with { RateLimit = 0 });
        string quick = await Create(host, "quick");
        Assert.Equal(HttpStatusCode.OK, (await host.Client.PostAsJsonAsync($"/api/classifiers/{quick}/classify", new { texts = new[] { "warm up" } })).StatusCode);
        var encoder = (MiniLmEncoder)host.App.Services.GetRequiredService<BaseModelCatalog>().All.Single().Model.Embedder.Encoder;

        // 96 examples of about 500 characters: adapting embeds all of them, seconds of MiniLM on 2 cores. Adapted in
        // one hold of the model, as before turns, the quick request waited for all of it (checked: it then ended with the first classify).
        var examples = Enumerable.Range(0, 96).Select(i => new
        {
            text = string.Join(' ', Enumerable.Repeat(i % 2 == 0 ? $"please refund payment {i} for my order" : $"the app crashes on screen {i} at login", 12)),
            label = i % 2 == 0 ? "billing" : "bug",
        }).ToArray();
        var created = await host.Client.SendAsync(ServiceHost.Authorized(HttpMethod.Post, "/api/classifiers", new { name = "large", examples }));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        string large = (await ServiceHost.Json(created)).GetProperty("id").GetString()!;

        long encodedBefore = encoder.EncodedTexts;
        var clock = Stopwatch.StartNew();
        var firstClassify = host.Client.PostAsJsonAsync($"/api/classifiers/{large}/classify", new { texts = new[] { "refund me" } });
        while (encoder.EncodedTexts == encodedBefore && !firstClassify.IsCompleted) await Task.Delay(5);   // adapting now
        Assert.False(firstClassify.IsCompleted, "the adaptation ended before the quick request could be sent: it is not long enough to test anything");

        var quickClock = Stopwatch.StartNew();
        var quickResponse = await host.Client.PostAsJsonAsync($"/api/classifiers/{quick}/classify", new { texts = new[] { "where is my new card" } });
        double quickSeconds = quickClock.Elapsed.TotalSeconds;
        bool adaptationStillRunning = !firstClassify.IsCompleted;
        var firstResponse = await firstClassify;
        double firstSeconds = clock.Elapsed.TotalSeconds;

        Assert.Equal(HttpStatusCode.OK, quickResponse.StatusCode);
        Assert.Equal(HttpStatusCode.OK, firstResponse.StatusCode);
        Assert.True(adaptationStillRunning && quickSeconds < firstSeconds / 2,
            $"the quick request took {quickSeconds:F2} s while the first classify of the large classifier took {firstSeconds:F2} s (still running when the quick one ended: {adaptationStillRunning})");
    }

    [Theory]
    [InlineData("--rate-limit", "-1")]
    [InlineData("--rate-window", "0")]
    [InlineData("--max-request-chars", "0")]
    [InlineData("--text-cache-mb", "-5")]
    [InlineData("--classifier-cache-mb", "0")]
    [InlineData("--batch-wait-ms", "1001")]
    [InlineData("--batch-texts", "0")]
    public void ServeRefusesALimitOutOfItsBoundsWithOneLineNamingTheOption(string option, string value)
    {
        using var dir = new TempDir();
        var r = Cli.CliRunner.RunFor(TimeSpan.FromSeconds(60), "serve", "--urls", "http://127.0.0.1:0", "--db", Path.Combine(dir.Path, "x.db"), option, value);
        Assert.True(r.ExitCode == 2, $"exit {r.ExitCode}; stderr: {r.Stderr}");
        var line = Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"error: {option} must be", line, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(dir.Path, "x.db")), "the database was created before the options were checked");
    }

    [Fact]
    public void ALongLoopOfNewTextsKeepsEachCacheWithinItsLimit()
    {
        const long textCacheBytes = 40_000;   // about 20 short texts
        var catalog = new BaseModelCatalog([BaseModelSource.Pretrained], textCacheBytes);
        var encoder = (MiniLmEncoder)catalog.All.Single().Model.Embedder.Encoder;
        var examples = Support.Select((e, i) => new StoredExample(i + 1, e.Text, e.Label)).ToArray();
        long oneClassifier = ClassifierRuntime.EstimateBytes(examples, encoder.OutputDim);
        using var runtime = new ClassifierRuntime(catalog, cacheBytes: 2 * oneClassifier + oneClassifier / 2);   // room for two

        var first = runtime.Classify(new StoredClassifier("c0", "c", "minilm", 0, 1, "", ""), examples, ["new text 0 about my card"]);
        int most = 0;
        long liveTensors = 0;
        for (int i = 1; i <= 60; i++)
        {
            if (i == 31) liveTensors = TorchSharp.torch.Tensor.TotalCount;   // two classifiers cached, as at the end
            var classifier = new StoredClassifier($"c{i / 15 % 4}", "c", "minilm", 0, 1, "", "");   // c0, c1, c2, c3, c0: each new one adapted
            runtime.Classify(classifier, examples, [$"new text {i} about my card", $"another new text {i}"]);
            Assert.True(encoder.SentenceVectors.Bytes <= textCacheBytes, $"the sentence-vector cache holds {encoder.SentenceVectors.Bytes} bytes, over its limit of {textCacheBytes}, after {i} requests");
            Assert.True(runtime.CachedBytes <= 2 * oneClassifier + oneClassifier / 2, $"the adapted classifiers take {runtime.CachedBytes} bytes, over their limit");
            most = Math.Max(most, encoder.SentenceVectors.Count);
        }
        long leaked = TorchSharp.torch.Tensor.TotalCount - liveTensors;
        Assert.True(leaked < 10, $"{leaked} more live tensors after 30 requests and two re-adaptations: a request or a dropped classifier leaves tensors behind");
        Assert.InRange(most, 10, 30);   // it did cache, and dropped the oldest to stay within the limit
        Assert.Equal(2, runtime.CachedClassifiers);
        // A text dropped from the cache is encoded again, to the same answer.
        var again = runtime.Classify(new StoredClassifier("c0", "c", "minilm", 0, 1, "", ""), examples, ["new text 0 about my card"]);
        foreach (var (label, probability) in first[0].Probabilities) Assert.Equal(probability, again[0].Probabilities[label], 4);
    }
}
