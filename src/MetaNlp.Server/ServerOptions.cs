namespace MetaNlp.Server;

/// <summary>How <see cref="ServerApp"/> runs: where it listens, where it stores classifiers, which base models and keys it knows.</summary>
public sealed record ServerOptions
{
    /// <summary>Addresses to listen on, e.g. <c>http://127.0.0.1:5000</c> (port 0 picks a free port).</summary>
    public IReadOnlyList<string> Urls { get; init; } = ["http://127.0.0.1:5000"];

    /// <summary>The SQLite database file (created if absent).</summary>
    public required string DatabasePath { get; init; }

    /// <summary>Base models a classifier can be made from; the first is the default.</summary>
    public required IReadOnlyList<BaseModelSource> BaseModels { get; init; }

    /// <summary>
    /// API key entries accepted in the <c>X-Api-Key</c> header: <c>KEY</c>, <c>tenant:NAME:KEY</c>, or either after
    /// <c>admin:</c> (see <see cref="Server.ApiKeys"/>). Every write needs one; with none configured, writes are refused.
    /// </summary>
    public IReadOnlyList<string> ApiKeys { get; init; } = [];

    /// <summary>Whether reads (list, get, classify, explain) need a key too.</summary>
    public bool KeysForReads { get; init; }

    /// <summary>
    /// Host names accepted in the <c>Host</c> header (ASP.NET Core host filtering; <c>*</c> accepts any). Empty: when
    /// every address is loopback, localhost, 127.0.0.1 and [::1]; otherwise any host (with a warning at start).
    /// </summary>
    public IReadOnlyList<string> AllowedHosts { get; init; } = [];

    /// <summary>Request and classifier bounds.</summary>
    public ServiceLimits Limits { get; init; } = new();
}

/// <summary>A named base model: a checkpoint made by <c>metanlp train</c>, or, without a path, the pretrained encoder.</summary>
/// <param name="Name">The name clients use.</param>
/// <param name="CheckpointPath">The checkpoint file; null for <see cref="Pretrained"/>.</param>
public sealed record BaseModelSource(string Name, string? CheckpointPath)
{
    /// <summary>The built-in base model: frozen all-MiniLM-L6-v2 sentence vectors with cosine prototypes (no training, no download).</summary>
    public static BaseModelSource Pretrained { get; } = new("minilm", null);
}
