using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace MetaNlp.Server;

/// <summary>Endpoint metadata: the operation needs an accepted key in the <c>X-Api-Key</c> header (401 without one).</summary>
public sealed class ApiKeyRequired
{
    /// <summary>The one instance endpoints carry.</summary>
    public static ApiKeyRequired Instance { get; } = new();

    private ApiKeyRequired()
    {
    }
}

/// <summary>
/// The service's OpenAPI contract beyond what the endpoints declare one by one: the API-key security scheme, the
/// security requirement of every operation that needs a key, and the status codes every /api operation can answer
/// (429 over a client's rate limit, 503 when the database fails).
/// </summary>
public static class ApiContract
{
    /// <summary>The name of the security scheme in <c>components.securitySchemes</c>.</summary>
    public const string SecuritySchemeName = "ApiKey";

    /// <summary>Declares 401 and marks the operations of <paramref name="group"/> as needing a key.</summary>
    public static TBuilder RequireKey<TBuilder>(this TBuilder group) where TBuilder : IEndpointConventionBuilder =>
        group.WithMetadata(ApiKeyRequired.Instance).ProducesProblem(StatusCodes.Status401Unauthorized);

    /// <summary>Declares what a JSON body can be refused with: 413 (over the size limit) and 415 (not JSON).</summary>
    public static RouteHandlerBuilder ProducesBodyProblems(this RouteHandlerBuilder endpoint) =>
        endpoint.ProducesProblem(StatusCodes.Status413PayloadTooLarge).ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

    /// <summary>Adds the document's title, description and the API-key security scheme.</summary>
    /// <param name="document">The OpenAPI document.</param>
    /// <param name="keysForReads">Whether reads need a key too (<see cref="ServerOptions.KeysForReads"/>).</param>
    /// <param name="rateLimited">Whether clients have a rate limit (<see cref="ServerOptions.RateLimit"/> above 0).</param>
    public static Task DescribeDocument(OpenApiDocument document, bool keysForReads, bool rateLimited)
    {
        ArgumentNullException.ThrowIfNull(document);
        document.Info.Title = "MetaNlp few-shot classification service";
        document.Info.Description = "Create a classifier from a few labelled examples, classify, explain. Writes need an X-Api-Key header"
            + (keysForReads ? " (on this server reads too)" : "")
            + "; a classifier belongs to the key (or tenant) that created it, and other keys get 404 on it (admin keys manage all). "
            + "Every error is an application/problem+json body. Every /api operation can answer "
            + (rateLimited ? "429 (over the client's rate limit, with Retry-After) and " : "")
            + "503 (the database failed). The API reference page is at /reference.";
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[SecuritySchemeName] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = ApiKeys.Header,
            Description = "An API key given to the server (--api-key or $METANLP_API_KEYS). Writes need one"
                + (keysForReads ? ", and on this server reads too" : "; reads are open on this server") + ".",
        };
        return Task.CompletedTask;
    }

    /// <summary>Adds the security requirement to an operation whose endpoint needs a key.</summary>
    public static Task DescribeOperation(OpenApiOperation operation, OpenApiOperationTransformerContext context)
    {
        ArgumentNullException.ThrowIfNull(operation);
        ArgumentNullException.ThrowIfNull(context);
        if (context.Description.ActionDescriptor.EndpointMetadata.OfType<ApiKeyRequired>().Any())
        {
            operation.Security ??= [];
            operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SecuritySchemeName, context.Document)] = [] });
        }
        return Task.CompletedTask;
    }
}
