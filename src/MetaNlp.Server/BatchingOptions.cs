namespace MetaNlp.Server;

/// <summary>
/// How <see cref="ClassifyBatcher"/> gathers the classify requests of one base model into one forward pass:
/// <c>metanlp serve --batch-wait-ms</c> and <c>--batch-texts</c>. The defaults are the best measured with
/// <c>bench/service-load</c> (docs/BENCHMARKS.md, "Service load").
/// </summary>
public sealed record BatchingOptions
{
    /// <summary>Default of <see cref="Wait"/>.</summary>
    public static readonly TimeSpan DefaultWait = TimeSpan.Zero;

    /// <summary>Default of <see cref="Texts"/>.</summary>
    public const int DefaultTexts = 16;

    /// <summary>Largest <see cref="Wait"/> accepted: one second.</summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(1);

    /// <summary>Largest <see cref="Texts"/> accepted.</summary>
    public const int MaxTexts = 256;

    /// <summary>
    /// Longest a batch waits for more requests after its first one arrived (0: only what is queued already). Requests
    /// that arrive while a batch runs form the next batch without waiting, so this matters only when the model is idle.
    /// </summary>
    public TimeSpan Wait { get; init; } = DefaultWait;

    /// <summary>Most texts in one batch (a request's turn of texts is never split; a single larger turn runs alone).</summary>
    public int Texts { get; init; } = DefaultTexts;

    /// <summary>Throws <see cref="ArgumentException"/> naming the option out of its bounds.</summary>
    public void Validate()
    {
        if (Wait < TimeSpan.Zero || Wait > MaxWait) throw new ArgumentException($"The batch wait must be from 0 to {MaxWait.TotalMilliseconds:0} ms (got {Wait.TotalMilliseconds} ms; --batch-wait-ms).");
        if (Texts < 1 || Texts > MaxTexts) throw new ArgumentException($"The batch size must be from 1 to {MaxTexts} texts (got {Texts}; --batch-texts).");
    }
}
