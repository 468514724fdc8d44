using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MetaNlp.Server;

/// <summary>
/// The few-shot classification service: the classifier API (<see cref="ClassifierEndpoints"/>), its OpenAPI
/// description at <c>/openapi/v1.json</c>, <c>/health</c>, and the web page at <c>/</c>. Started by
/// <c>metanlp serve</c>; tests start it on 127.0.0.1 with port 0.
/// </summary>
public static class ServerApp
{
    private static readonly string[] PageFiles = ["index.html", "app.js", "style.css"];

    /// <summary>Builds the application (base models are loaded here: a bad checkpoint fails now, naming the file).</summary>
    public static WebApplication Build(ServerOptions options, Action<ILoggingBuilder>? logging = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls([.. options.Urls]);
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = options.Limits.MaxRequestBytes);
        if (logging is not null) logging(builder.Logging);
        builder.Services.AddProblemDetails();
        builder.Services.AddOpenApi(o => o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "MetaNlp few-shot classification service";
            document.Info.Description = "Create a classifier from a few labelled examples, classify, explain. Writes need an X-Api-Key header.";
            return Task.CompletedTask;
        }));
        builder.Services.Configure<JsonOptions>(o => ConfigureJson(o.SerializerOptions));

        var catalog = new BaseModelCatalog(options.BaseModels);
        var store = new ClassifierStore(options.DatabasePath);
        var runtime = new ClassifierRuntime(catalog);
        var keys = new ApiKeys(options.ApiKeys);
        var app = builder.Build();
        app.Lifetime.ApplicationStopped.Register(runtime.Dispose);   // the adapted classifiers hold native tensors
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapOpenApi();
        app.MapGet("/health", () => Results.Ok(new { status = "ok", classifiers = store.List().Count, models = catalog.All.Select(m => m.Name).ToArray() }))
            .WithTags("service").WithName("Health").WithSummary("Whether the service is up, with its classifier count and base models.");
        var json = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        ConfigureJson(json);
        ClassifierEndpoints.Map(app, options, store, runtime, keys, json);
        foreach (var file in PageFiles) MapPageFile(app, file);
        app.MapGet("/", () => PageFile("index.html")).ExcludeFromDescription();
        return app;
    }

    private static void ConfigureJson(JsonSerializerOptions json)
    {
        json.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;   // a misspelt field is an error, not silently ignored
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
