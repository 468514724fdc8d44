namespace MetaNlp.Server;

/// <summary>Bounds on what one request or one classifier may hold; a request over any of them gets a 4xx problem.</summary>
public sealed record ServiceLimits
{
    /// <summary>Largest request body in bytes (Kestrel answers 413 above it).</summary>
    public long MaxRequestBytes { get; init; } = 1_000_000;

    /// <summary>Longest text (example or query) in characters.</summary>
    public int MaxTextLength { get; init; } = 2_000;

    /// <summary>Most labels one classifier may have.</summary>
    public int MaxLabels { get; init; } = 200;

    /// <summary>Most examples one classifier may hold.</summary>
    public int MaxExamples { get; init; } = 5_000;

    /// <summary>Most texts in one classify request.</summary>
    public int MaxBatch { get; init; } = 256;

    /// <summary>Longest classifier name or label in characters.</summary>
    public int MaxNameLength { get; init; } = 200;

    /// <summary>
    /// The cost bound of one classify request: the characters of all its texts together (texts x characters). Above
    /// it the request is refused with 413 and a problem naming the limit (<c>metanlp serve --max-request-chars</c>).
    /// The default, 64,000, is 32 texts of 2,000 characters: about 3 s of MiniLM on 2 cores.
    /// </summary>
    public int MaxRequestCharacters { get; init; } = 64_000;
}
