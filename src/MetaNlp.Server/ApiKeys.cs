using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace MetaNlp.Server;

/// <summary>The <c>X-Api-Key</c> check: an endpoint filter that answers 401 with a problem body when the key is missing or unknown.</summary>
public sealed class ApiKeys(IReadOnlyList<string> keys)
{
    /// <summary>The header that carries the key.</summary>
    public const string Header = "X-Api-Key";

    private readonly byte[][] _keys = (keys ?? throw new ArgumentNullException(nameof(keys))).Where(k => !string.IsNullOrEmpty(k)).Select(Encoding.UTF8.GetBytes).ToArray();

    /// <summary>Whether <paramref name="key"/> is one of the keys (constant time per key).</summary>
    public bool Accepts(string? key)
    {
        if (string.IsNullOrEmpty(key)) return false;
        var bytes = Encoding.UTF8.GetBytes(key);
        bool found = false;
        foreach (var k in _keys) found |= CryptographicOperations.FixedTimeEquals(k, bytes);
        return found;
    }

    /// <summary>An endpoint filter that lets a request through only with an accepted key.</summary>
    public EndpointFilterDelegate Require(EndpointFilterFactoryContext context, EndpointFilterDelegate next) => async invocation =>
    {
        var key = invocation.HttpContext.Request.Headers[Header].ToString();
        if (Accepts(key)) return await next(invocation);
        invocation.HttpContext.Response.Headers.WWWAuthenticate = "ApiKey header=\"X-Api-Key\"";
        return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "API key required",
            detail: string.IsNullOrEmpty(key) ? $"This request needs an API key in the {Header} header." : $"The key in the {Header} header is not accepted.");
    };
}
