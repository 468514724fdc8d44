using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using MetaNlp.Workarounds;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MetaNlp.Server;

/// <summary>
/// The few-shot classification service: the classifier API (<see cref="ClassifierEndpoints"/>), its OpenAPI
/// description at <c>/openapi/v1.json</c> and its reference page at <c>/reference</c>, <c>/health</c>, and the web page at <c>/</c>. Started by
/// <c>metanlp serve</c>; tests start it on 127.0.0.1 with port 0.
/// </summary>
public static class ServerApp
{
    private static readonly string[] PageFiles = ["index.html", "app.js", "style.css", "reference.html", "reference.js"];

    /// <summary>
    /// Builds the application. The database is checked first (<see cref="ClassifierStore"/>: a directory, a file that
    /// is not SQLite, damaged or read-only, or a folder that cannot be written fails now with
    /// <see cref="DatabaseUnavailableException"/>, naming the file), then the base models are loaded (a bad checkpoint
    /// fails now, naming the file). Every stored classifier whose base model is not loaded gets one line through
    /// <paramref name="warn"/> (by default a logged warning): its classify and explain requests answer 409 and
    /// /health says "degraded" until the server starts with that model.
    /// </summary>
    public static WebApplication Build(ServerOptions options, Action<ILoggingBuilder>? logging = null, Action<string>? warn = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var keys = new ApiKeys(options.ApiKeys);   // a malformed key entry fails before anything is opened
        // LibTorch's many small native allocations from request threads fragment glibc's heap without fixed mmap and
        // trim thresholds: measured, the resident memory grew by about 90 kB per new text without them (docs/SERVICE.md).
        NativeHeap.ConfigureForServing();
        var store = new ClassifierStore(options.DatabasePath);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls([.. options.Urls]);
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = options.Limits.MaxRequestBytes);
        if (logging is not null) logging(builder.Logging);
        string[] allowedHosts = AllowedHosts(options);
        builder.Services.AddHostFiltering(o => o.AllowedHosts = allowedHosts);
        builder.Services.AddProblemDetails();
        builder.Services.AddSingleton(store);
        builder.Services.AddExceptionHandler<DatabaseExceptionHandler>();
        builder.Services.AddOpenApi(o =>
        {
            o.AddDocumentTransformer((document, _, _) => ApiContract.DescribeDocument(document, options.KeysForReads, options.RateLimit > 0));
            o.AddOperationTransformer((operation, context, _) => ApiContract.DescribeOperation(operation, context));
        });
        builder.Services.Configure<JsonOptions>(o => ConfigureJson(o.SerializerOptions));

        if (options.RateLimit > 0) builder.Services.AddRateLimiter(o => ConfigureRateLimits(o, options, keys));
        var catalog = new BaseModelCatalog(options.BaseModels, options.TextCacheBytes);
        var runtime = new ClassifierRuntime(catalog, cacheBytes: options.ClassifierCacheBytes, batching: options.Batching);
        builder.Services.AddSingleton(catalog);
        builder.Services.AddSingleton(runtime);
        var app = builder.Build();
        warn ??= message => app.Logger.LogWarning("{Message}", message);
        string[] plainHttp = [.. options.Urls.Where(u => u.StartsWith("http://", StringComparison.OrdinalIgnoreCase) && !IsLoopback(u))];
        if (plainHttp.Length > 0)
            warn($"listening on {string.Join(", ", plainHttp)} over plain HTTP on an address other than loopback: API keys and texts cross the network unencrypted; "
                + "serve https (or put a TLS proxy in front and listen on 127.0.0.1)");
        if (options.AllowedHosts.Count == 0 && allowedHosts is ["*"])
            warn("no --allowed-hosts given while listening on an address other than loopback: every Host header is accepted; name the host names clients use");
        foreach (var classifier in store.List().Where(c => catalog.Find(c.BaseModel) is null))
            warn(ClassifierEndpoints.BaseModelMissing(classifier));
        app.Lifetime.ApplicationStopped.Register(runtime.Dispose);   // the adapted classifiers hold native tensors
        app.Use((context, next) =>
        {
            context.Response.OnStarting(() => { AddSecurityHeaders(context.Response.Headers); return Task.CompletedTask; });
            return next(context);
        });
        app.UseHostFiltering();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        if (options.RateLimit > 0) app.UseRateLimiter();
        app.MapOpenApi();
        app.MapGet("/health", () => Health(store, catalog))
            .Produces<HealthResponse>().Produces<HealthResponse>(StatusCodes.Status503ServiceUnavailable)
            .WithTags("service").WithName("Health")
            .WithSummary("Whether the service can work: ok, degraded (some classifiers cannot answer; see problems) or unhealthy (503: the database cannot be read).");
        var json = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        ConfigureJson(json);
        ClassifierEndpoints.Map(app, options, store, runtime, keys, json);
        foreach (var file in PageFiles) MapPageFile(app, file);
        app.MapGet("/", () => PageFile("index.html")).ExcludeFromDescription();
        app.MapGet("/reference", () => PageFile("reference.html")).ExcludeFromDescription();   // the API reference, rendered from /openapi/v1.json
        return app;
    }

    // Per client fixed windows on /api: an accepted key's owner (a key, or a tenant's keys together), else the IP address.
    // The page, /health and the OpenAPI description are not limited.
    private static void ConfigureRateLimits(RateLimiterOptions limiter, ServerOptions options, ApiKeys keys)
    {
        limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
        {
            if (!context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase)) return RateLimitPartition.GetNoLimiter("open");
            string client = keys.Identify(context.Request.Headers[ApiKeys.Header].ToString()) is { } caller
                ? caller.Owner
                : "ip:" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
            return RateLimitPartition.GetFixedWindowLimiter(client, _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = options.RateLimit,
                Window = options.RateWindow,
                QueueLimit = 0,
                AutoReplenishment = true,
            });
        });
        limiter.OnRejected = async (rejected, cancellation) =>
        {
            var response = rejected.HttpContext.Response;
            int retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? (int)Math.Max(1, Math.Ceiling(wait.TotalSeconds)) : (int)Math.Ceiling(options.RateWindow.TotalSeconds);
            response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
            await Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests",
                detail: string.Create(CultureInfo.InvariantCulture,
                    $"This client (its API key, or its IP address without one) has made {options.RateLimit} requests in the last {options.RateWindow.TotalSeconds:0.###} s, the server's limit "
                    + $"(metanlp serve --rate-limit {options.RateLimit} --rate-window {options.RateWindow.TotalSeconds:0.###}); retry after {retryAfter} s."),
                extensions: new Dictionary<string, object?> { ["limit"] = options.RateLimit, ["windowSeconds"] = options.RateWindow.TotalSeconds, ["retryAfterSeconds"] = retryAfter })
                .ExecuteAsync(rejected.HttpContext);
        };
    }

    // Open to all (even with --keys-for-reads), so it names base models and counts, never classifiers.
    private static IResult Health(ClassifierStore store, BaseModelCatalog catalog)
    {
        string[] models = [.. catalog.All.Select(m => m.Name)];
        IReadOnlyList<StoredClassifier> classifiers;
        try
        {
            classifiers = store.List();
        }
        catch (SqliteException e)
        {
            return Results.Json(new HealthResponse("unhealthy", 0, 0, models, [$"the database cannot be read: {DatabaseUnavailableException.Describe(e)}"]),
                statusCode: StatusCodes.Status503ServiceUnavailable);
        }
        var missing = classifiers.Where(c => catalog.Find(c.BaseModel) is null).GroupBy(c => c.BaseModel, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).ToArray();
        string[] problems = [.. missing.Select(g => $"{g.Count()} classifier{(g.Count() == 1 ? "" : "s")} use{(g.Count() == 1 ? "s" : "")} base model '{g.Key}', which is not loaded: "
            + $"{(g.Count() == 1 ? "its" : "their")} classify and explain requests answer 409 until the server starts with --model {g.Key}=CHECKPOINT")];
        return Results.Ok(new HealthResponse(problems.Length == 0 ? "ok" : "degraded", classifiers.Count, missing.Sum(g => g.Count()), models, problems));
    }

    /// <summary>The Content-Security-Policy of every response: the page's own files only, no inline script or style, no framing.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    // On every response (page, API, problems, host-filter refusals), set when the response starts so error handlers cannot drop them.
    private static void AddSecurityHeaders(IHeaderDictionary headers)
    {
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
    }

    /// <summary>
    /// The host names the server answers (<see cref="ServerOptions.AllowedHosts"/>): those given; otherwise localhost,
    /// 127.0.0.1 and [::1] when every address is loopback (a DNS-rebinding page's host name is refused with 400), else any.
    /// </summary>
    public static string[] AllowedHosts(ServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.AllowedHosts.Count > 0) return [.. options.AllowedHosts];
        return options.Urls.All(IsLoopback) ? ["localhost", "127.0.0.1", "[::1]"] : ["*"];
    }

    /// <summary>Whether a listen address (such as http://127.0.0.1:5000, http://localhost:0, http://[::1]:5000) is loopback only; *, + and 0.0.0.0 are not.</summary>
    public static bool IsLoopback(string url)
    {
        BindingAddress address;
        try
        {
            address = BindingAddress.Parse(url);
        }
        catch (FormatException)
        {
            return false;
        }
        if (address.IsUnixPipe) return true;
        string host = address.Host.Trim('[', ']');
        return string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));
    }

    private static void ConfigureJson(JsonSerializerOptions json)
    {
        json.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;   // a misspelt field is an error, not silently ignored
        json.NumberHandling = JsonNumberHandling.Strict;                       // the web defaults read "0.5" as a number; a string is not one
        json.Converters.Add(new JsonStringEnumConverter());
    }

    private static void MapPageFile(WebApplication app, string file) => app.MapGet("/" + file, () => PageFile(file)).ExcludeFromDescription();

    private static IResult PageFile(string file)
    {
        var stream = typeof(ServerApp).Assembly.GetManifestResourceStream("MetaNlp.Server.wwwroot." + file)
            ?? throw new InvalidOperationException($"The page file {file} is not embedded in {typeof(ServerApp).Assembly.GetName().Name}.");
        string type = Path.GetExtension(file) switch { ".html" => "text/html; charset=utf-8", ".js" => "text/javascript; charset=utf-8", _ => "text/css; charset=utf-8" };
        return Results.Stream(stream, type);
    }
}
