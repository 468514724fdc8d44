using System.Net;
using System.Text;
using System.Text.Json;
using MetaNlp.Server;

namespace MetaNlp.Tests.Server;

/// <summary>
/// The service's contract: the OpenAPI description declares the API-key scheme, which operations need a key and every
/// status code each operation answers; the API reference page is served; no error body shows a .NET type name.
/// </summary>
public class ApiContractTests(ServiceFixture fixture) : IClassFixture<ServiceFixture>
{
    // Status codes each operation answers (429 and 503 apply to every /api operation: rate limit, database failure).
    public static TheoryData<string, string, int[]> Operations => new()
    {
        { "post", "/api/classifiers", [201, 400, 401, 413, 415, 429, 503] },
        { "get", "/api/classifiers", [200, 400, 429, 503] },
        { "get", "/api/classifiers/{id}", [200, 404, 429, 503] },
        { "delete", "/api/classifiers/{id}", [204, 401, 404, 429, 503] },
        { "patch", "/api/classifiers/{id}/examples", [200, 400, 401, 404, 409, 413, 415, 429, 503] },
        { "post", "/api/classifiers/{id}/classify", [200, 400, 404, 409, 413, 415, 429, 503] },
        { "post", "/api/classifiers/{id}/explain", [200, 400, 404, 409, 413, 415, 429, 503] },
        { "get", "/api/models", [200, 429, 503] },
        { "get", "/health", [200, 503] },
    };

    [Theory]
    [MemberData(nameof(Operations))]
    public async Task EachOperationDeclaresEveryStatusItAnswersAndWhetherItNeedsAKey(string method, string path, int[] statuses)
    {
        await using var host = await ServiceHost.StartAsync(fixture.ModelPath, fixture.NewDatabase());
        var document = await ServiceHost.Json(await host.Client.GetAsync("/openapi/v1.json"));
        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty(ApiContract.SecuritySchemeName);
        Assert.Equal(("apiKey", "header", ApiKeys.Header), (scheme.GetProperty("type").GetString(), scheme.GetProperty("in").GetString(), scheme.GetProperty("name").GetString()));

        var operation = document.GetProperty("paths").GetProperty(path).GetProperty(method);
        var declared = operation.GetProperty("responses").EnumerateObject().Select(r => int.Parse(r.Name, System.Globalization.CultureInfo.InvariantCulture)).Order().ToArray();
        Assert.Equal(statuses, declared);
        bool needsKey = statuses.Contains(401);
        string[] schemes = operation.TryGetProperty("security", out var security) ? [.. security.EnumerateArray().SelectMany(r => r.EnumerateObject().Select(p => p.Name))] : [];
        Assert.Equal(needsKey ? [ApiContract.SecuritySchemeName] : [], schemes);
    }

    [Fact]
    public async Task WithKeysForReadsEveryApiOperationNeedsAKeyAndWithoutRateLimitsNoneAnswers429()
    {
        await using var host = await ServiceHost.StartAsync(fixture.ModelPath, fixture.NewDatabase(), o => o with { KeysForReads = true, RateLimit = 0 });
        var document = await ServiceHost.Json(await host.Client.GetAsync("/openapi/v1.json"));
        foreach (var path in document.GetProperty("paths").EnumerateObject())
            foreach (var operation in path.Value.EnumerateObject())
            {
                string[] codes = [.. operation.Value.GetProperty("responses").EnumerateObject().Select(r => r.Name)];
                Assert.DoesNotContain("429", codes);
                bool api = path.Name.StartsWith("/api/", StringComparison.Ordinal);
                Assert.Equal(api, codes.Contains("401"));
                Assert.Equal(api, operation.Value.TryGetProperty("security", out _));
            }
    }

    [Fact]
    public async Task TheApiReferencePageIsServedWithoutAnythingFromElsewhere()
    {
        await using var host = await ServiceHost.StartAsync(fixture.ModelPath, fixture.NewDatabase());
        foreach (var path in new[] { "/reference", "/reference.html" })
        {
            var page = await host.Client.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
            string html = await page.Content.ReadAsStringAsync();
            Assert.Contains("<script src=\"/reference.js\">", html, StringComparison.Ordinal);
            Assert.DoesNotContain("http", html, StringComparison.OrdinalIgnoreCase);   // every link and script is the service's own
        }
        string script = await host.Client.GetStringAsync("/reference.js");
        Assert.Contains("/openapi/v1.json", script, StringComparison.Ordinal);
        Assert.DoesNotContain("http", script, StringComparison.OrdinalIgnoreCase);   // no CDN, no other host
    }

    // Every way a client can get a request wrong, each answered with a problem that names no .NET type.
    public static TheoryData<string, string, string?, string, int> ErrorPaths => new()
    {
        // method, path ({id}: an existing classifier), content type (null: no body), body, status
        { "POST", "/api/classifiers", "application/json", "{\"name\": \"x\", \"examples\": [", 400 },
        { "POST", "/api/classifiers", "application/json", "not json at all", 400 },
        { "POST", "/api/classifiers", "application/json", "[1, 2]", 400 },
        { "POST", "/api/classifiers", "application/json", "\"a string\"", 400 },
        { "POST", "/api/classifiers", "application/json", "{\"name\": 5, \"examples\": []}", 400 },
        { "POST", "/api/classifiers", "application/json", "{\"name\": \"x\", \"threshold\": \"0.5\", \"examples\": []}", 400 },
        { "POST", "/api/classifiers", "application/json", "{\"name\": \"x\", \"threshold\": true, \"examples\": []}", 400 },
        { "POST", "/api/classifiers", "application/json", "{\"name\": \"x\", \"examples\": {\"text\": \"a\"}}", 400 },
        { "POST", "/api/classifiers", "application/json", "{\"name\": \"x\", \"examples\": [1, 2]}", 400 },
        { "POST", "/api/classifiers", "application/json", "{\"name\": \"x\", \"examples\": [{\"text\": [\"a\"], \"label\": \"p\"}]}", 400 },
        { "POST", "/api/classifiers", "application/json", "{\"name\": \"x\", \"exampels\": []}", 400 },
        { "POST", "/api/classifiers", "text/plain", "name=x", 415 },
        { "POST", "/api/classifiers", "application/x-www-form-urlencoded", "name=x", 415 },
        { "POST", "/api/classifiers", null, "", 415 },
        { "POST", "/api/classifiers", "application/json", "{\"name\": \"" + new string('x', 300_000) + "\"}", 413 },
        { "POST", "/api/classifiers/{id}/classify", "application/json", "{\"texts\": \"one text\"}", 400 },
        { "POST", "/api/classifiers/{id}/classify", "application/json", "{\"texts\": [1, 2]}", 400 },
        { "POST", "/api/classifiers/{id}/classify", "application/json", "{\"texts\": [\"a\"], \"extra\": 1}", 400 },
        { "POST", "/api/classifiers/{id}/explain", "application/json", "{\"text\": \"a\", \"top\": 1.5}", 400 },
        { "POST", "/api/classifiers/{id}/explain", "application/json", "{\"text\": \"a\", \"top\": 99999999999}", 400 },
        { "PATCH", "/api/classifiers/{id}/examples", "application/json", "{\"remove\": [\"one\"]}", 400 },
        { "PATCH", "/api/classifiers/{id}/examples", "application/json", "{\"remove\": [1e40]}", 400 },
        { "PATCH", "/api/classifiers/{id}/examples", "application/json", "{\"add\": null, \"remove\": 3}", 400 },
        { "GET", "/api/classifiers?limit=ten", null, "", 400 },
        { "GET", "/api/classifiers?offset=99999999999", null, "", 400 },
        { "GET", "/api/classifiers/no-such-classifier", null, "", 404 },
        { "POST", "/api/classifiers/no-such-classifier/classify", "application/json", "{\"texts\": [\"a\"]}", 404 },
        { "DELETE", "/api/classifiers/no-such-classifier", null, "", 404 },
        { "GET", "/api/no-such-route", null, "", 404 },
        { "PUT", "/api/classifiers/{id}", "application/json", "{}", 405 },
    };

    [Theory]
    [MemberData(nameof(ErrorPaths))]
    public async Task NoErrorBodyShowsADotNetTypeName(string method, string path, string? contentType, string body, int status)
    {
        await using var host = await ServiceHost.StartAsync(fixture.ModelPath, fixture.NewDatabase());
        var created = await host.Client.SendAsync(ServiceHost.Authorized(HttpMethod.Post, "/api/classifiers", new
        {
            name = "errors",
            examples = fixture.Support.Select(e => new { text = e.Text, label = e.Label }).ToArray(),
        }));
        string id = (await ServiceHost.Json(created)).GetProperty("id").GetString()!;
        var request = ServiceHost.Authorized(new HttpMethod(method), path.Replace("{id}", id, StringComparison.Ordinal));
        if (contentType is not null) request.Content = new StringContent(body, Encoding.UTF8, contentType);
        var response = await host.Client.SendAsync(request);
        string text = await response.Content.ReadAsStringAsync();
        Assert.Equal(status, (int)response.StatusCode);
        Assert.DoesNotContain("System.", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", text, StringComparison.Ordinal);
        Assert.DoesNotContain("MetaNlp.", text, StringComparison.Ordinal);
        Assert.DoesNotContain("`1", text, StringComparison.Ordinal);
        if (text.Length > 0)
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            using var problem = JsonDocument.Parse(text);
            Assert.True(problem.RootElement.TryGetProperty("title", out _), text);
        }
    }
}
