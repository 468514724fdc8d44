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

    /// <summary>Default of <see cref="TextCacheBytes"/>: 64 MiB (about 35,000 short texts' sentence vectors).</summary>
    public const long DefaultTextCacheBytes = 64L << 20;

    /// <summary>
    /// Bound on each per-text cache of each base model: a frozen MiniLM encoder's sentence vectors and, for a MiniLM
    /// checkpoint with fine-tuned top layers, the hidden states of its frozen bottom layers; the least recently used
    /// vectors are dropped first. 0 turns them off (every text is encoded each time). <c>--text-cache-mb</c>.
    /// </summary>
    public long TextCacheBytes { get; init; } = DefaultTextCacheBytes;

    /// <summary>
    /// Bound on the (estimated) memory of the adapted classifiers kept ready, at most 256 of them; the least recently
    /// used go first (<see cref="ClassifierRuntime.EstimateBytes"/>). <c>--classifier-cache-mb</c>.
    /// </summary>
    public long ClassifierCacheBytes { get; init; } = ClassifierRuntime.DefaultCacheBytes;

    /// <summary>
    /// Most API requests (under <c>/api</c>) one client may make per <see cref="RateWindow"/>: a client is the key it
    /// sends when the key is accepted (keys of one tenant share their tenant's allowance), otherwise its IP address.
    /// Over it the answer is 429 with <c>Retry-After</c>. 0 turns the limit off. <c>--rate-limit</c>.
    /// </summary>
    public int RateLimit { get; init; } = DefaultRateLimit;

    /// <summary>Default of <see cref="RateLimit"/>: 600 requests per window (10 a second on average over the default minute).</summary>
    public const int DefaultRateLimit = 600;

    /// <summary>The window of <see cref="RateLimit"/> (fixed windows; default one minute). <c>--rate-window</c>.</summary>
    public TimeSpan RateWindow { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>How concurrent classify requests on one base model are gathered into one forward pass (<c>--batch-wait-ms</c>, <c>--batch-texts</c>).</summary>
    public BatchingOptions Batching { get; init; } = new();

    /// <summary>Throws <see cref="ArgumentException"/> naming the first option out of its bounds.</summary>
    public void Validate()
    {
        if (TextCacheBytes < 0) throw new ArgumentException($"The text cache limit cannot be negative (got {TextCacheBytes} bytes).");
        if (ClassifierCacheBytes <= 0) throw new ArgumentException($"The classifier cache limit must be positive (got {ClassifierCacheBytes} bytes).");
        if (RateLimit < 0) throw new ArgumentException($"The rate limit cannot be negative (got {RateLimit}; 0 turns it off).");
        if (RateWindow <= TimeSpan.Zero || RateWindow > TimeSpan.FromDays(1)) throw new ArgumentException($"The rate window must be from 1 second to 1 day (got {RateWindow}).");
        if (Limits.MaxRequestCharacters < 1) throw new ArgumentException($"The request cost limit must be positive (got {Limits.MaxRequestCharacters} characters).");
        Batching.Validate();
    }
}

/// <summary>A named base model: a checkpoint made by <c>metanlp train</c>, or, without a path, the pretrained encoder.</summary>
/// <param name="Name">The name clients use.</param>
/// <param name="CheckpointPath">The checkpoint file; null for <see cref="Pretrained"/>.</param>
public sealed record BaseModelSource(string Name, string? CheckpointPath)
{
    /// <summary>The built-in base model: frozen all-MiniLM-L6-v2 sentence vectors with cosine prototypes (no training, no download).</summary>
    public static BaseModelSource Pretrained { get; } = new("minilm", null);
}
