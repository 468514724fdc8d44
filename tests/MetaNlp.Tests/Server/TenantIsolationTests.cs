using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MetaNlp.Server;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace MetaNlp.Tests.Server;

/// <summary>Issue 19, item 7: classifiers belong to the key (or tenant) that made them; admin keys manage all; keys are compared by digest.</summary>
public class TenantIsolationTests(ServiceFixture fixture) : IClassFixture<ServiceFixture>
{
    private const string Alice = "alice-key-0123456789";
    private const string Bob = "bob-key-9876543210";
    private const string Root = "root-key-admin-0000";
    private const string SupportA = "support-one-key";
    private const string SupportB = "support-two-key";

    private static readonly string[] Keys = [Alice, Bob, ServiceHost.AdminPrefixed(Root), $"tenant:support:{SupportA}", $"tenant:support:{SupportB}"];

    private object CreateBody(string name = "support intents") => new
    {
        name,
        examples = fixture.Support.Select(e => new { text = e.Text, label = e.Label }).ToArray(),
    };

    private static HttpRequestMessage As(string key, HttpMethod method, string path, object? body = null)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Add(ApiKeys.Header, key);
        if (body is not null) request.Content = JsonContent.Create(body);
        return request;
    }

    private async Task<string> Create(ServiceHost host, string key, string name = "support intents")
    {
        var response = await host.Client.SendAsync(As(key, HttpMethod.Post, "/api/classifiers", CreateBody(name)));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await ServiceHost.Json(response)).GetProperty("id").GetString()!;
    }

    private static async Task<string[]> ListIds(ServiceHost host, string key) =>
        [.. (await ServiceHost.Json(await host.Client.SendAsync(As(key, HttpMethod.Get, "/api/classifiers")))).EnumerateArray().Select(c => c.GetProperty("id").GetString()!)];

    [Fact]
    public async Task AnotherKeyCannotChangeOrDeleteAClassifierButItsOwnerAndAnAdminCan()
    {
        await using var host = await ServiceHost.StartAsync(fixture.ModelPath, fixture.NewDatabase(), o => o with { ApiKeys = Keys });
        string id = await Create(host, Alice);

        var delete = await host.Client.SendAsync(As(Bob, HttpMethod.Delete, $"/api/classifiers/{id}"));
        Assert.Equal(HttpStatusCode.NotFound, delete.StatusCode);
        var missing = await host.Client.SendAsync(As(Bob, HttpMethod.Delete, $"/api/classifiers/{Guid.NewGuid():n}"));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("Classifier not found", (await ServiceHost.Json(delete)).GetProperty("title").GetString());   // the same answer as for no classifier
        var patch = await host.Client.SendAsync(As(Bob, HttpMethod.Patch, $"/api/classifiers/{id}/examples", new { add = new[] { new { text = "hello there", label = "greeting" } } }));
        Assert.Equal(HttpStatusCode.NotFound, patch.StatusCode);
        Assert.Equal(1, (await ServiceHost.Json(await host.Client.GetAsync($"/api/classifiers/{id}"))).GetProperty("version").GetInt64());

        // Keys of one tenant share its classifiers.
        string shared = await Create(host, SupportA);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.SendAsync(As(SupportB, HttpMethod.Patch, $"/api/classifiers/{shared}/examples", new { add = new[] { new { text = "hello there", label = "greeting" } } }))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.SendAsync(As(Alice, HttpMethod.Delete, $"/api/classifiers/{shared}"))).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await host.Client.SendAsync(As(Alice, HttpMethod.Patch, $"/api/classifiers/{id}/examples", new { add = new[] { new { text = "hello there", label = "greeting" } } }))).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await host.Client.SendAsync(As(Root, HttpMethod.Delete, $"/api/classifiers/{id}"))).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await host.Client.SendAsync(As(SupportB, HttpMethod.Delete, $"/api/classifiers/{shared}"))).StatusCode);
    }

    [Fact]
    public async Task WithKeysForReadsEachKeySeesOnlyItsOwnClassifiersAndAnAdminSeesAll()
    {
        await using var host = await ServiceHost.StartAsync(fixture.ModelPath, fixture.NewDatabase(), o => o with { ApiKeys = Keys, KeysForReads = true });
        string alices = await Create(host, Alice, "alice's");
        string bobs = await Create(host, Bob, "bob's");

        Assert.Equal([alices], await ListIds(host, Alice));
        var list = await host.Client.SendAsync(As(Bob, HttpMethod.Get, "/api/classifiers"));
        Assert.Equal("1", list.Headers.GetValues("X-Total-Count").Single());
        Assert.Equal([bobs], await ListIds(host, Bob));
        Assert.Equal([alices, bobs], await ListIds(host, Root));

        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.SendAsync(As(Bob, HttpMethod.Get, $"/api/classifiers/{alices}"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.SendAsync(As(Bob, HttpMethod.Post, $"/api/classifiers/{alices}/classify", new { texts = new[] { "hello" } }))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.SendAsync(As(Bob, HttpMethod.Post, $"/api/classifiers/{alices}/explain", new { text = "hello" }))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.SendAsync(As(Alice, HttpMethod.Post, $"/api/classifiers/{alices}/classify", new { texts = new[] { "hello" } }))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.SendAsync(As(Root, HttpMethod.Post, $"/api/classifiers/{alices}/explain", new { text = "hello" }))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.SendAsync(As(Root, HttpMethod.Get, $"/api/classifiers/{bobs}"))).StatusCode);
    }

    [Fact]
    public async Task ADatabaseFromBeforeOwnersKeepsWorkingAndItsClassifiersAreManagedByAdminsOnly()
    {
        string db = fixture.NewDatabase();
        Directory.CreateDirectory(Path.GetDirectoryName(db)!);
        using (var connection = new SqliteConnection($"Data Source={db}"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = """
                CREATE TABLE classifiers (id TEXT PRIMARY KEY, name TEXT NOT NULL, base_model TEXT NOT NULL, threshold REAL NOT NULL,
                    version INTEGER NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
                CREATE TABLE examples (id INTEGER PRIMARY KEY AUTOINCREMENT, classifier_id TEXT NOT NULL REFERENCES classifiers(id) ON DELETE CASCADE,
                    text TEXT NOT NULL, label TEXT NOT NULL);
                INSERT INTO classifiers VALUES ('old', 'old one', 'samples', 0, 1, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');
                INSERT INTO examples (classifier_id, text, label) VALUES ('old', 'hello', 'greeting'), ('old', 'bye', 'farewell');
                """;
            command.ExecuteNonQuery();
        }
        SqliteConnection.ClearAllPools();

        await using var host = await ServiceHost.StartAsync(fixture.ModelPath, db, o => o with { ApiKeys = Keys, KeysForReads = true });
        Assert.Empty(await ListIds(host, Alice));
        Assert.Equal(["old"], await ListIds(host, Root));
        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.SendAsync(As(Alice, HttpMethod.Get, "/api/classifiers/old"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Client.SendAsync(As(Alice, HttpMethod.Delete, "/api/classifiers/old"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Client.SendAsync(As(Root, HttpMethod.Post, "/api/classifiers/old/classify", new { texts = new[] { "hello" } }))).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await host.Client.SendAsync(As(Root, HttpMethod.Delete, "/api/classifiers/old"))).StatusCode);
        string id = await Create(host, Alice);
        Assert.Equal([id], await ListIds(host, Alice));
    }

    [Fact]
    public void KeysAreKnownByDigestAndOwnersNeverHoldTheKey()
    {
        var keys = new ApiKeys(Keys);
        var alice = keys.Identify(Alice)!;
        Assert.False(alice.IsAdmin);
        Assert.StartsWith("key:", alice.Owner, StringComparison.Ordinal);
        Assert.DoesNotContain(Alice, alice.Owner, StringComparison.Ordinal);
        Assert.Equal(20, alice.Owner.Length);
        Assert.True(keys.Identify(Root)!.IsAdmin);
        Assert.Null(keys.Identify(ServiceHost.AdminPrefixed(Root)));   // the prefix is not part of the key
        Assert.Equal("tenant:support", keys.Identify(SupportA)!.Owner);
        Assert.Equal(keys.Identify(SupportA), keys.Identify(SupportB));
        Assert.Null(keys.Identify(Alice[..^1]));
        Assert.Null(keys.Identify(Alice + "x"));
        Assert.Null(keys.Identify(""));
        Assert.Throws<ArgumentException>(() => new ApiKeys(["tenant::key"]));
        Assert.Throws<ArgumentException>(() => new ApiKeys(["admin:"]));

        // Only fixed-length SHA-256 digests are held: no field of ApiKeys holds a key or its length.
        var fields = typeof(ApiKeys).GetFields(System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic);
        var held = fields.Select(f => f.GetValue(keys)).ToArray();
        var digests = held.OfType<(byte[] Digest, ApiCaller Caller)[]>().Single();
        Assert.All(digests, d => Assert.Equal(32, d.Digest.Length));
        Assert.DoesNotContain(digests, d => d.Digest.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(Alice)) >= 0);
        Assert.Empty(held.OfType<byte[][]>());
    }

    [Fact]
    public async Task EveryResponseCarriesTheSecurityHeaders()
    {
        await using var host = await ServiceHost.StartAsync(fixture.ModelPath, fixture.NewDatabase());
        var responses = new List<HttpResponseMessage>();
        foreach (var path in new[] { "/", "/app.js", "/style.css", "/health", "/openapi/v1.json", "/api/classifiers", "/api/classifiers/none", "/no/such/page" })
            responses.Add(await host.Client.GetAsync(path));
        responses.Add(await host.Client.PostAsJsonAsync("/api/classifiers", new { name = "x" }));   // 401
        responses.Add(await host.Client.SendAsync(ServiceHost.Authorized(HttpMethod.Post, "/api/classifiers", new { name = "x" })));   // 400
        Assert.Equal(HttpStatusCode.OK, responses[0].StatusCode);
        foreach (var response in responses)
        {
            string csp = response.Headers.GetValues("Content-Security-Policy").Single();
            Assert.Contains("default-src 'self'", csp, StringComparison.Ordinal);
            Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
            Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
            Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        }

        // The page holds no inline script or style, which the policy would block.
        string page = await host.Client.GetStringAsync("/");
        Assert.DoesNotMatch(@"<script(?![^>]*\bsrc=)[^>]*>|<style|\sstyle=|\son[a-z]+=", page);
    }

    [Fact]
    public async Task AHostNameOtherThanLoopbackIsRefusedSoADnsRebindingPageCannotReadTheApi()
    {
        await using var host = await ServiceHost.StartAsync(fixture.ModelPath, fixture.NewDatabase());
        await Create(host, ServiceHost.Key);
        var rebound = new HttpRequestMessage(HttpMethod.Get, "/api/classifiers");
        rebound.Headers.Host = $"attacker.example:{host.Address.Port}";
        var refused = await host.Client.SendAsync(rebound);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.DoesNotContain("support intents", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        foreach (var name in new[] { "localhost", "127.0.0.1" })
        {
            var local = new HttpRequestMessage(HttpMethod.Get, "/api/classifiers");
            local.Headers.Host = $"{name}:{host.Address.Port}";
            Assert.Equal(HttpStatusCode.OK, (await host.Client.SendAsync(local)).StatusCode);
        }

        await using var named = await ServiceHost.StartAsync(fixture.ModelPath, fixture.NewDatabase(), o => o with { AllowedHosts = ["api.example.com"] });
        var good = new HttpRequestMessage(HttpMethod.Get, "/health");
        good.Headers.Host = "api.example.com";
        Assert.Equal(HttpStatusCode.OK, (await named.Client.SendAsync(good)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await named.Client.GetAsync("/health")).StatusCode);   // 127.0.0.1 is not named

        Assert.Equal(["localhost", "127.0.0.1", "[::1]"], ServerApp.AllowedHosts(new ServerOptions { DatabasePath = "x", BaseModels = [], Urls = ["http://127.0.0.1:5000", "http://[::1]:5000", "http://localhost:0"] }));
        Assert.Equal(["*"], ServerApp.AllowedHosts(new ServerOptions { DatabasePath = "x", BaseModels = [], Urls = ["http://0.0.0.0:5000"] }));
    }

    [Fact]
    public async Task PlainHttpOnAnAddressOtherThanLoopbackGivesOneWarningLine()
    {
        foreach (var (urls, warned) in new[] { (new[] { "http://0.0.0.0:0" }, true), (["http://*:0"], true), (["http://127.0.0.1:0"], false), (["https://0.0.0.0:0"], false), (["http://localhost:0"], false) })
        {
            var warnings = new List<string>();
            var options = new ServerOptions { Urls = urls, DatabasePath = fixture.NewDatabase(), BaseModels = [new BaseModelSource("samples", fixture.ModelPath)], AllowedHosts = ["example.com"] };
            await using var app = ServerApp.Build(options, logging => logging.ClearProviders(), warnings.Add);
            var plain = warnings.Where(w => w.Contains("plain HTTP", StringComparison.Ordinal)).ToArray();
            Assert.Equal(warned ? 1 : 0, plain.Length);
            Assert.All(plain, w => Assert.DoesNotContain('\n', w));
        }
    }
}
