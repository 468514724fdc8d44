using System.Net.Http.Json;
using System.Text.Json;
using MetaNlp.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MetaNlp.Tests.Server;

/// <summary>The real service on 127.0.0.1 (a free port), with an HttpClient pointed at it.</summary>
internal sealed class ServiceHost : IAsyncDisposable
{
    public const string Key = "test-key";

    private ServiceHost(WebApplication app, Uri address)
    {
        App = app;
        Address = address;
        Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromMinutes(2) };
    }

    public WebApplication App { get; }

    public Uri Address { get; }

    public HttpClient Client { get; }

    public static async Task<ServiceHost> StartAsync(string model, string database, Func<ServerOptions, ServerOptions>? configure = null, Action<string>? warn = null)
    {
        var options = new ServerOptions
        {
            Urls = ["http://127.0.0.1:0"],
            DatabasePath = database,
            BaseModels = [new BaseModelSource("samples", model)],
            ApiKeys = [Key],
            Limits = new ServiceLimits { MaxRequestBytes = 200_000, MaxTextLength = 500, MaxLabels = 10, MaxExamples = 200, MaxBatch = 32 },
        };
        var app = ServerApp.Build(configure?.Invoke(options) ?? options, logging => logging.ClearProviders(), warn);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new ServiceHost(app, new Uri(address));
    }

    /// <summary>The key entry that declares <paramref name="key"/> an admin key.</summary>
    public static string AdminPrefixed(string key) => ApiKeys.AdminPrefix + key;

    /// <summary>A request with the API key.</summary>
    public static HttpRequestMessage Authorized(HttpMethod method, string path, object? body = null)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Add(ApiKeys.Header, Key);
        if (body is not null) request.Content = JsonContent.Create(body);
        return request;
    }

    public static async Task<JsonElement> Json(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
