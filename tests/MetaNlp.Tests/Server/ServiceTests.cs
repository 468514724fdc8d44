using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MetaNlp.Server;

namespace MetaNlp.Tests.Server;

/// <summary>The service through its real HTTP stack on 127.0.0.1: life cycle, errors, keys, restart and concurrent clients.</summary>
public class ServiceTests(ServiceFixture fixture) : IClassFixture<ServiceFixture>
{
    private object CreateBody(string name = "support intents", double threshold = 0) => new
    {
        name,
        threshold,
        examples = fixture.Support.Select(e => new { text = e.Text, label = e.Label }).ToArray(),
    };

    private async Task<JsonElement> Create(ServiceHost host, object? body = null)
    {
        var response = await host.Client.SendAsync(ServiceHost.Authorized(HttpMethod.Post, "/api/classifiers", body ?? CreateBody()));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await ServiceHost.Json(response);
    }

    private static async Task<JsonElement> Classify(ServiceHost host, string id, IEnumerable<string> texts)
    {
        var response = await host.Client.PostAsJsonAsync($"/api/classifiers/{id}/classify", new { texts = texts.ToArray() });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await ServiceHost.Json(response);
    }

    [Fact]
    public async Task TheListComesInPagesWithTheTotalAndLabelCountsAsOneClassifierShowsThem()
    {
        await using var host = await ServiceHost.StartAsync(fixture.ModelPath, fixture.NewDatabase());
        var ids = new List<string>();
        for (int i = 0; i < 3; i++) ids.Add((await Create(host)).GetProperty("id").GetString()!);

        var first = await host.Client.GetAsync("/api/classifiers?limit=2");
        Assert.Equal("3", first.Headers.GetValues("X-Total-Count").Single());
        var page = await ServiceHost.Json(first);
        Assert.Equal(ids[..2], page.EnumerateArray().Select(c => c.GetProperty("id").GetString()!).ToArray());
        var rest = await ServiceHost.Json(await host.Client.GetAsync("/api/classifiers?offset=2&limit=2"));
        Assert.Equal(ids[2], rest.EnumerateArray().Single().GetProperty("id").GetString());
        Assert.Equal(3, (await ServiceHost.Json(await host.Client.GetAsync("/api/classifiers"))).GetArrayLength());

        var one = await ServiceHost.Json(await host.Client.GetAsync($"/api/classifiers/{ids[2]}"));
        var listed = rest.EnumerateArray().Single();
        Assert.Equal(one.GetProperty("labels").GetRawText(), listed.GetProperty("labels").GetRawText());
        Assert.Equal(one.GetProperty("exampleCount").GetInt32(), listed.GetProperty("exampleCount").GetInt32());
        Assert.False(listed.TryGetProperty("examples", out var examples) && examples.ValueKind != JsonValueKind.Null);

        foreach (var bad in new[] { "limit=0", "limit=1001", "offset=-1" })
        {
            var response = await host.Client.GetAsync($"/api/classifiers?{bad}");
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains(bad.Split('=')[0], await response.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task AClassifierLivesFromCreationToDeletion()
    {
        await using var host = await ServiceHost.StartAsync(fixture.ModelPath, fixture.NewDatabase());
        var created = await Create(host);
        string id = created.GetProperty("id").GetString()!;
        var labels = fixture.Support.Select(e => e.Label).Distinct().Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(labels, created.GetProperty("labels").EnumerateArray().Select(l => l.GetProperty("label").GetString()).ToArray());
        Assert.Equal(fixture.Support.Count, created.GetProperty("exampleCount").GetInt32());
        Assert.Equal(1, created.GetProperty("version").GetInt64());

        var list = await ServiceHost.Json(await host.Client.GetAsync("/api/classifiers"));
        Assert.Equal(id, list.EnumerateArray().Single().GetProperty("id").GetString());
        var got = await ServiceHost.Json(await host.Client.GetAsync($"/api/classifiers/{id}"));
        Assert.Equal(fixture.Support.Count, got.GetProperty("examples").GetArrayLength());

        // Held-out sentences of the four intents: probabilities over the labels, and most of them right.
        var classified = await Classify(host, id, fixture.Queries.Select(q => q.Text));
        var predictions = classified.GetProperty("predictions").EnumerateArray().ToArray();
        Assert.Equal(fixture.Queries.Count, predictions.Length);
        foreach (var p in predictions)
        {
            var probabilities = p.GetProperty("probabilities").EnumerateObject().ToArray();
            Assert.Equal(labels, probabilities.Select(x => x.Name).Order(StringComparer.Ordinal).ToArray());
            Assert.Equal(1.0, probabilities.Sum(x => x.Value.GetDouble()), 3);
            Assert.Equal(p.GetProperty("bestLabel").GetString(), p.GetProperty("label").GetString());
        }
        int right = predictions.Where((p, i) => p.GetProperty("label").GetString() == fixture.Queries[i].Label).Count();
        // Chance is 3 of 12; guessing gets 6 or more with probability 0.05.
        Assert.True(right >= fixture.Queries.Count / 2, $"{right} of {fixture.Queries.Count} held-out sentences right (chance 25%)");

        // Explain: the nearest support examples, most similar first, with their stored ids.
        var explained = await ServiceHost.Json(await host.Client.PostAsJsonAsync($"/api/classifiers/{id}/explain", new { text = fixture.Support[0].Text, top = 3 }));
        var nearest = explained.GetProperty("nearest").EnumerateArray().ToArray();
        Assert.Equal(3, nearest.Length);
        Assert.Equal(fixture.Support[0].Text, nearest[0].GetProperty("text").GetString());   // the text itself: cosine 1
        Assert.Equal(1.0, nearest[0].GetProperty("score").GetDouble(), 4);
        Assert.True(nearest.Zip(nearest.Skip(1)).All(p => p.First.GetProperty("score").GetDouble() >= p.Second.GetProperty("score").GetDouble()));
        // ... and the text's words with their attributions for the best label against the runner-up, which sum to the
        // gap difference within the stated tolerance (1% or 1e-3).
        var attributions = explained.GetProperty("attributions");
        Assert.Equal(explained.GetProperty("prediction").GetProperty("bestLabel").GetString(), attributions.GetProperty("label").GetString());
        Assert.NotEqual(attributions.GetProperty("label").GetString(), attributions.GetProperty("against").GetString());
        double gap = attributions.GetProperty("inputGap").GetDouble() - attributions.GetProperty("baselineGap").GetDouble();
        Assert.True(Math.Abs(attributions.GetProperty("completenessError").GetDouble()) <= 1e-3 + 0.01 * Math.Abs(gap));
        var words = attributions.GetProperty("words").EnumerateArray().ToArray();
        Assert.Equal(MetaNlp.Text.WordTokenizer.Split(fixture.Support[0].Text), words.Select(w => w.GetProperty("text").GetString()!)); // the base model reads words
        Assert.DoesNotContain(words, w => w.GetProperty("special").GetBoolean());
        Assert.Equal(1.0, words.Max(w => Math.Abs(w.GetProperty("share").GetDouble())), 4);
        Assert.Equal(attributions.GetProperty("tokens").EnumerateArray().Sum(t => t.GetProperty("integratedGradients").GetDouble()),
            words.Sum(w => w.GetProperty("integratedGradients").GetDouble()), 4);

        // A new label re-adapts the classifier: its own example now gets it.
        const string NewText = "flip a coin for me and tell me heads or tails";
        var changed = await host.Client.SendAsync(ServiceHost.Authorized(HttpMethod.Patch, $"/api/classifiers/{id}/examples", new
        {
            add = new[] { new { text = NewText, label = "coin_flip" }, new { text = "toss a coin", label = "coin_flip" } },
        }));
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        var after = await ServiceHost.Json(changed);
        Assert.Equal(2, after.GetProperty("version").GetInt64());
        var reclassified = await Classify(host, id, [NewText]);
        Assert.Equal("coin_flip", reclassified.GetProperty("predictions")[0].GetProperty("label").GetString());

        // Removing them goes back to the four labels.
        var added = after.GetProperty("examples").EnumerateArray().Where(e => e.GetProperty("label").GetString() == "coin_flip").Select(e => e.GetProperty("id").GetInt64()).ToArray();
        var removed = await host.Client.SendAsync(ServiceHost.Authorized(HttpMethod.Patch, $"/api/classifiers/{id}/examples", new { remove = added }));
        Assert.Equal(HttpStatusCode.OK, removed.StatusCode);
        Assert.Equal(4, (await ServiceHost.Json(removed)).GetProperty("labels").GetArrayLength());
        Assert.DoesNotContain("coin_flip", (await Classify(host, id, [NewText])).GetProperty("predictions")[0].GetProperty("probabilities").EnumerateObject().Select(p => p.Name));

        var deleted = await host.Client.SendAsync(ServiceHost.Authorized(HttpMethod.Delete, $"/api/classifiers/{id}"));
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.GetAsync($"/api/classifiers/{id}")).StatusCode);
        Assert.Equal(0, (await ServiceHost.Json(await host.Client.GetAsync("/api/classifiers"))).GetArrayLength());
        var health = await ServiceHost.Json(await host.Client.GetAsync("/health"));
        Assert.Equal("ok", health.GetProperty("status").GetString());
    }

    [Fact]
    public async Task ThePretrainedBaseModelClassifiesUnseenIntentsWithNoTrainingRun()
    {
        await using var host = await ServiceHost.StartAsync(fixture.ModelPath, fixture.NewDatabase(),
            o => o with { BaseModels = [BaseModelSource.Pretrained, .. o.BaseModels] });
        var models = await ServiceHost.Json(await host.Client.GetAsync("/api/models"));
        Assert.Equal(("minilm", "minilm", true), (models[0].GetProperty("name").GetString(), models[0].GetProperty("encoder").GetString(), models[0].GetProperty("isDefault").GetBoolean()));
        var created = await Create(host);
        Assert.Equal("minilm", created.GetProperty("baseModel").GetString());
        var predictions = (await Classify(host, created.GetProperty("id").GetString()!, fixture.Queries.Select(q => q.Text))).GetProperty("predictions").EnumerateArray().ToArray();
        int right = predictions.Where((p, i) => p.GetProperty("label").GetString() == fixture.Queries[i].Label).Count();
        Assert.True(right >= fixture.Queries.Count - 1, $"the pretrained encoder got {right} of {fixture.Queries.Count} held-out sentences right");
    }

    [Fact]
    public async Task AThresholdAnswersNoneOfTheseWhenTheBestScoreIsUnderIt()
    {
        await using var host = await ServiceHost.StartAsync(fixture.ModelPath, fixture.NewDatabase());
        var open = await Create(host, CreateBody("no threshold"));
        var strict = await Create(host, CreateBody("strict", threshold: 1.0));
        string text = fixture.Queries[0].Text;
        var a = (await Classify(host, open.GetProperty("id").GetString()!, [text])).GetProperty("predictions")[0];
        var b = (await Classify(host, strict.GetProperty("id").GetString()!, [text])).GetProperty("predictions")[0];
        Assert.False(a.GetProperty("noneOfThese").GetBoolean());
        Assert.True(b.GetProperty("noneOfThese").GetBoolean());
        Assert.Equal(JsonValueKind.Null, b.GetProperty("label").ValueKind);
        Assert.Equal(a.GetProperty("bestLabel").GetString(), b.GetProperty("bestLabel").GetString());
    }

    public static TheoryData<string, string, string, int, string> BadRequests => new()
    {
        // method, path ({id} = an existing classifier), body, status, text the problem must contain
        { "POST", "/api/classifiers", "{\"name\": \"x\", \"examples\": [", 400, "line 1" },
        { "POST", "/api/classifiers", "{\"name\": \"x\", \"exampels\": []}", 400, "exampels" },
        { "POST", "/api/classifiers", "{\"examples\": [{\"text\": \"a\", \"label\": \"p\"}, {\"text\": \"b\", \"label\": \"q\"}]}", 400, "name" },
        { "POST", "/api/classifiers", "{\"name\": \"x\", \"examples\": [{\"text\": \"a\", \"label\": \"p\"}, {\"text\": \"b\", \"label\": \"p\"}]}", 400, "at least two labels" },
        { "POST", "/api/classifiers", "{\"name\": \"x\", \"examples\": [{\"text\": \"\", \"label\": \"p\"}, {\"text\": \"b\", \"label\": \"q\"}]}", 400, "examples[0].text" },
        { "POST", "/api/classifiers", "{\"name\": \"x\", \"examples\": [{\"text\": \"a\"}, {\"text\": \"b\", \"label\": \"q\"}]}", 400, "examples[0].label" },
        { "POST", "/api/classifiers", "{\"name\": \"x\", \"threshold\": 1.5, \"examples\": [{\"text\": \"a\", \"label\": \"p\"}, {\"text\": \"b\", \"label\": \"q\"}]}", 400, "threshold" },
        { "POST", "/api/classifiers", "{\"name\": \"x\", \"baseModel\": \"nope\", \"examples\": [{\"text\": \"a\", \"label\": \"p\"}, {\"text\": \"b\", \"label\": \"q\"}]}", 400, "baseModel" },
        { "POST", "/api/classifiers", "{\"name\": \"x\", \"examples\": [" + string.Join(",", Enumerable.Range(0, 11).Select(i => $"{{\"text\": \"t{i}\", \"label\": \"l{i}\"}}")) + "]}", 400, "at most 10 labels" },
        { "POST", "/api/classifiers/{id}/classify", "{\"texts\": []}", 400, "texts" },
        { "POST", "/api/classifiers/{id}/classify", "{\"texts\": [" + string.Join(",", Enumerable.Repeat("\"a\"", 33)) + "]}", 400, "at most 32" },
        { "POST", "/api/classifiers/{id}/classify", "{\"texts\": [\"ok\", \"" + new string('x', 501) + "\"]}", 400, "texts[1]" },
        { "POST", "/api/classifiers/{id}/classify", "[1, 2]", 400, "not valid" },
        { "POST", "/api/classifiers/{id}/classify", "{\"texts\": [\"ok\", \"\\u200b\\u2060\\ufeff\"]}", 400, "texts[1]" },
        { "POST", "/api/classifiers", "{\"name\": \"x\", \"examples\": [{\"text\": \"a\", \"label\": \"\\u200d\"}, {\"text\": \"b\", \"label\": \"q\"}]}", 400, "examples[0].label" },
        { "POST", "/api/classifiers/nope/classify", "{\"texts\": [\"a\"]}", 404, "nope" },
        { "POST", "/api/classifiers/{id}/explain", "{\"text\": \"a\", \"top\": 0}", 400, "top" },
        { "POST", "/api/classifiers/{id}/explain", "{\"text\": \"a\", \"top\": \"3\"}", 400, "top" },
        { "POST", "/api/classifiers/{id}/explain", "{\"text\": \"a\", \"steps\": 201}", 400, "steps" },
        { "POST", "/api/classifiers", "{\"name\": \"x\", \"threshold\": \"0.5\", \"examples\": [{\"text\": \"a\", \"label\": \"p\"}, {\"text\": \"b\", \"label\": \"q\"}]}", 400, "threshold" },
        { "PATCH", "/api/classifiers/{id}/examples", "{}", 400, "add or remove" },
        { "PATCH", "/api/classifiers/{id}/examples", "{\"remove\": [999999]}", 400, "999999" },
        { "PATCH", "/api/classifiers/nope/examples", "{\"add\": [{\"text\": \"a\", \"label\": \"p\"}]}", 404, "nope" },
        { "DELETE", "/api/classifiers/nope", "", 404, "nope" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task EveryInvalidRequestGetsAProblemThatSaysWhatIsWrong(string method, string path, string body, int status, string says)
    {
        await using var host = await ServiceHost.StartAsync(fixture.ModelPath, fixture.NewDatabase());
        string id = (await Create(host)).GetProperty("id").GetString()!;
        var request = ServiceHost.Authorized(new HttpMethod(method), path.Replace("{id}", id, StringComparison.Ordinal));
        if (body.Length > 0) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        var response = await host.Client.SendAsync(request);
        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        string problem = await response.Content.ReadAsStringAsync();
        Assert.Contains(says, problem, StringComparison.Ordinal);
        // Nothing half-written: the classifier is as it was.
        var stored = await ServiceHost.Json(await host.Client.GetAsync($"/api/classifiers/{id}"));
        Assert.Equal(1, stored.GetProperty("version").GetInt64());
        Assert.Equal(fixture.Support.Count, stored.GetProperty("exampleCount").GetInt32());
        Assert.Single((await ServiceHost.Json(await host.Client.GetAsync("/api/classifiers"))).EnumerateArray());
    }

    [Fact]
    public async Task AChangeThatWouldLeaveOneLabelIsRefusedAndWritesNothing()
    {
        await using var host = await ServiceHost.StartAsync(fixture.ModelPath, fixture.NewDatabase());
        var created = await Create(host);
        string id = created.GetProperty("id").GetString()!;
        string keep = fixture.Support[0].Label;
        var others = created.GetProperty("examples").EnumerateArray().Where(e => e.GetProperty("label").GetString() != keep).Select(e => e.GetProperty("id").GetInt64()).ToArray();
        var response = await host.Client.SendAsync(ServiceHost.Authorized(HttpMethod.Patch, $"/api/classifiers/{id}/examples", new { remove = others, add = new[] { new { text = "new one", label = keep } } }));
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("at least two labels", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var stored = await ServiceHost.Json(await host.Client.GetAsync($"/api/classifiers/{id}"));
        Assert.Equal(created.GetProperty("examples").ToString(), stored.GetProperty("examples").ToString());
        Assert.Equal(1, stored.GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task ABodyOverTheSizeLimitIsRefused()
    {
        await using var host = await ServiceHost.StartAsync(fixture.ModelPath, fixture.NewDatabase());
        var request = ServiceHost.Authorized(HttpMethod.Post, "/api/classifiers");
        request.Content = new StringContent("{\"name\": \"" + new string('x', 300_000) + "\"}", Encoding.UTF8, "application/json");
        var response = await host.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var notJson = ServiceHost.Authorized(HttpMethod.Post, "/api/classifiers");
        notJson.Content = new StringContent("name=x", Encoding.UTF8, "application/x-www-form-urlencoded");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await host.Client.SendAsync(notJson)).StatusCode);
    }

    [Fact]
    public async Task WritesNeedAKeyAndReadsAreOpenUnlessConfigured()
    {
        await using var host = await ServiceHost.StartAsync(fixture.ModelPath, fixture.NewDatabase());
        var noKey = await host.Client.PostAsJsonAsync("/api/classifiers", CreateBody());
        Assert.Equal(HttpStatusCode.Unauthorized, noKey.StatusCode);
        Assert.Contains(ApiKeys.Header, await noKey.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var wrong = new HttpRequestMessage(HttpMethod.Post, "/api/classifiers") { Content = JsonContent.Create(CreateBody()) };
        wrong.Headers.Add(ApiKeys.Header, "not-the-key");
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.Client.SendAsync(wrong)).StatusCode);
        Assert.Equal(0, (await ServiceHost.Json(await host.Client.GetAsync("/api/classifiers"))).GetArrayLength());

        string id = (await Create(host)).GetProperty("id").GetString()!;
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.Client.DeleteAsync($"/api/classifiers/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.Client.PatchAsJsonAsync($"/api/classifiers/{id}/examples", new { remove = new[] { 1 } })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.PostAsJsonAsync($"/api/classifiers/{id}/classify", new { texts = new[] { "hello" } })).StatusCode);

        await using var closed = await ServiceHost.StartAsync(fixture.ModelPath, fixture.NewDatabase(), o => o with { KeysForReads = true });
        Assert.Equal(HttpStatusCode.Unauthorized, (await closed.Client.GetAsync("/api/classifiers")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await closed.Client.SendAsync(ServiceHost.Authorized(HttpMethod.Get, "/api/classifiers"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await closed.Client.GetAsync("/health")).StatusCode);
    }

    [Fact]
    public async Task ARestartWithTheSameDatabaseGivesTheSamePredictions()
    {
        string database = fixture.NewDatabase();
        string id;
        string before;
        await using (var host = await ServiceHost.StartAsync(fixture.ModelPath, database))
        {
            id = (await Create(host)).GetProperty("id").GetString()!;
            await host.Client.SendAsync(ServiceHost.Authorized(HttpMethod.Patch, $"/api/classifiers/{id}/examples", new { add = new[] { new { text = "toss a coin", label = "coin_flip" } } }));
            before = (await Classify(host, id, fixture.Queries.Select(q => q.Text))).ToString();
        }
        await using (var host = await ServiceHost.StartAsync(fixture.ModelPath, database))
        {
            var stored = await ServiceHost.Json(await host.Client.GetAsync($"/api/classifiers/{id}"));
            Assert.Equal(2, stored.GetProperty("version").GetInt64());
            Assert.Equal(fixture.Support.Count + 1, stored.GetProperty("exampleCount").GetInt32());
            Assert.Equal(before, (await Classify(host, id, fixture.Queries.Select(q => q.Text))).ToString());
        }
    }

    [Fact]
    public async Task SixteenClientsAtOnceGetNoErrorAndTheSameAnswersAsOne()
    {
        await using var host = await ServiceHost.StartAsync(fixture.ModelPath, fixture.NewDatabase());
        string shared = (await Create(host)).GetProperty("id").GetString()!;
        var texts = fixture.Queries.Select(q => q.Text).ToArray();
        string serial = (await Classify(host, shared, texts)).GetProperty("predictions").ToString();

        var clients = Enumerable.Range(0, 16).Select(async client =>
        {
            var failures = new List<string>();
            for (int round = 0; round < 4; round++)
            {
                var classified = await host.Client.PostAsJsonAsync($"/api/classifiers/{shared}/classify", new { texts });
                if (classified.StatusCode != HttpStatusCode.OK) failures.Add($"classify {classified.StatusCode}");
                else if ((await ServiceHost.Json(classified)).GetProperty("predictions").ToString() != serial) failures.Add("classify answered differently");
                var explained = await host.Client.PostAsJsonAsync($"/api/classifiers/{shared}/explain", new { text = texts[client % texts.Length] });
                if (explained.StatusCode != HttpStatusCode.OK) failures.Add($"explain {explained.StatusCode}");
                // Every other client also writes: its own classifier, changed and classified.
                if (client % 2 == 0)
                {
                    var created = await host.Client.SendAsync(ServiceHost.Authorized(HttpMethod.Post, "/api/classifiers", CreateBody($"client {client} round {round}")));
                    if (created.StatusCode != HttpStatusCode.Created) { failures.Add($"create {created.StatusCode}"); continue; }
                    string own = (await ServiceHost.Json(created)).GetProperty("id").GetString()!;
                    var changed = await host.Client.SendAsync(ServiceHost.Authorized(HttpMethod.Patch, $"/api/classifiers/{own}/examples", new { add = new[] { new { text = $"example {client}", label = "extra" } } }));
                    if (changed.StatusCode != HttpStatusCode.OK) failures.Add($"change {changed.StatusCode}");
                    var mine = await host.Client.PostAsJsonAsync($"/api/classifiers/{own}/classify", new { texts = new[] { $"example {client}" } });
                    if (mine.StatusCode != HttpStatusCode.OK) failures.Add($"classify own {mine.StatusCode}");
                    else if ((await ServiceHost.Json(mine)).GetProperty("version").GetInt64() != 2) failures.Add("classified an old version");
                }
            }
            return failures;
        }).ToArray();
        var all = (await Task.WhenAll(clients)).SelectMany(f => f).ToArray();
        Assert.True(all.Length == 0, string.Join("; ", all));
        Assert.Equal(1 + 8 * 4, (await ServiceHost.Json(await host.Client.GetAsync("/api/classifiers"))).GetArrayLength());
    }

    [Fact]
    public async Task TheOpenApiDescriptionAndThePageAreServed()
    {
        await using var host = await ServiceHost.StartAsync(fixture.ModelPath, fixture.NewDatabase());
        var openApi = await ServiceHost.Json(await host.Client.GetAsync("/openapi/v1.json"));
        var paths = openApi.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToArray();
        foreach (var path in new[] { "/health", "/api/models", "/api/classifiers", "/api/classifiers/{id}", "/api/classifiers/{id}/examples", "/api/classifiers/{id}/classify", "/api/classifiers/{id}/explain" })
            Assert.Contains(path, paths);
        var page = await host.Client.GetAsync("/");
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<script src=\"/app.js\">", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync("/app.js")).StatusCode);
        var models = await ServiceHost.Json(await host.Client.GetAsync("/api/models"));
        Assert.Equal("samples", models[0].GetProperty("name").GetString());
        Assert.True(models[0].GetProperty("isDefault").GetBoolean());
    }
}
