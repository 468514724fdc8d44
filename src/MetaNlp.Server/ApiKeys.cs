using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace MetaNlp.Server;

/// <summary>Who made a request: the owner its classifiers are stored under, and whether it may manage every classifier.</summary>
/// <param name="Owner">
/// A non-secret identifier: <c>tenant:NAME</c> for a key declared as <c>tenant:NAME:KEY</c>, otherwise
/// <c>key:</c> and the first 16 hex digits of the key's SHA-256 (never the key itself).
/// </param>
/// <param name="IsAdmin">Whether the key was declared with <c>admin:</c>: it may read, change and delete every classifier.</param>
public sealed record ApiCaller(string Owner, bool IsAdmin)
{
    /// <summary>Whether this caller may see and manage <paramref name="classifier"/>: its own, or any for an admin (rows without an owner: admins only).</summary>
    public bool Owns(StoredClassifier classifier)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        return IsAdmin || (classifier.Owner is not null && string.Equals(classifier.Owner, Owner, StringComparison.Ordinal));
    }
}

/// <summary>
/// The <c>X-Api-Key</c> check: an endpoint filter that answers 401 with a problem body when the key is missing or
/// unknown, and otherwise records the <see cref="ApiCaller"/> for the endpoint. Key entries are <c>KEY</c>,
/// <c>tenant:NAME:KEY</c> (keys of one tenant share its classifiers) or <c>admin:</c> before either (manages all).
/// Only SHA-256 digests of the keys are kept; a key is checked by comparing digests in constant time against every
/// key, so neither its content nor its length shows in the time taken.
/// </summary>
public sealed class ApiKeys
{
    /// <summary>The header that carries the key.</summary>
    public const string Header = "X-Api-Key";

    /// <summary>Prefix of a key entry that may manage every classifier.</summary>
    public const string AdminPrefix = "admin:";

    /// <summary>Prefix of a key entry that names its tenant: <c>tenant:NAME:KEY</c>.</summary>
    public const string TenantPrefix = "tenant:";

    private readonly (byte[] Digest, ApiCaller Caller)[] _keys;

    /// <summary>Reads the key entries (see the class summary); empty entries are skipped, a malformed one throws <see cref="ArgumentException"/>.</summary>
    public ApiKeys(IReadOnlyList<string> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        _keys = [.. entries.Where(e => !string.IsNullOrEmpty(e)).Select(Parse).Select(p => (Digest(p.Key), p.Caller))];
    }

    /// <summary>The key and caller of one entry: <c>[admin:][tenant:NAME:]KEY</c>.</summary>
    public static (string Key, ApiCaller Caller) Parse(string entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        string rest = entry;
        bool admin = rest.StartsWith(AdminPrefix, StringComparison.Ordinal);
        if (admin) rest = rest[AdminPrefix.Length..];
        string? tenant = null;
        if (rest.StartsWith(TenantPrefix, StringComparison.Ordinal))
        {
            rest = rest[TenantPrefix.Length..];
            int colon = rest.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || string.IsNullOrWhiteSpace(rest[..colon]))
                throw new ArgumentException("an API key entry 'tenant:...' must be tenant:NAME:KEY with a NAME.");
            tenant = rest[..colon].Trim();
            rest = rest[(colon + 1)..];
        }
        if (rest.Length == 0) throw new ArgumentException($"an API key entry{(admin ? " 'admin:...'" : "")} has no key after its prefix.");
        string owner = tenant is not null ? TenantPrefix + tenant : "key:" + Convert.ToHexStringLower(Digest(rest))[..16];
        return (rest, new ApiCaller(owner, admin));
    }

    /// <summary>Whether <paramref name="key"/> is one of the keys.</summary>
    public bool Accepts(string? key) => Identify(key) is not null;

    /// <summary>
    /// The caller of <paramref name="key"/>, or null when it is missing or unknown. The key's SHA-256 is compared with
    /// every stored digest (fixed-length, constant-time comparisons, no early exit).
    /// </summary>
    public ApiCaller? Identify(string? key)
    {
        if (string.IsNullOrEmpty(key)) return null;
        var digest = Digest(key);
        ApiCaller? found = null;
        foreach (var (stored, caller) in _keys)
        {
            if (CryptographicOperations.FixedTimeEquals(stored, digest)) found ??= caller;
        }
        return found;
    }

    /// <summary>The caller recorded by <see cref="Require"/> for this request; null where no key was checked (reads without --keys-for-reads).</summary>
    public static ApiCaller? Caller(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Items.TryGetValue(typeof(ApiCaller), out var caller) ? caller as ApiCaller : null;
    }

    /// <summary>An endpoint filter that lets a request through only with an accepted key, recording its <see cref="ApiCaller"/>.</summary>
    public EndpointFilterDelegate Require(EndpointFilterFactoryContext context, EndpointFilterDelegate next) => async invocation =>
    {
        var key = invocation.HttpContext.Request.Headers[Header].ToString();
        if (Identify(key) is { } caller)
        {
            invocation.HttpContext.Items[typeof(ApiCaller)] = caller;
            return await next(invocation);
        }
        invocation.HttpContext.Response.Headers.WWWAuthenticate = "ApiKey header=\"X-Api-Key\"";
        return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "API key required",
            detail: string.IsNullOrEmpty(key) ? $"This request needs an API key in the {Header} header." : $"The key in the {Header} header is not accepted.");
    };

    private static byte[] Digest(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
