using static TorchSharp.torch;

namespace MetaNlp.Encoders;

/// <summary>
/// Hidden states of the frozen bottom of a pretrained encoder, one [tokens, hidden] tensor per distinct token sequence,
/// so that a training step with the top layers fine-tuned runs only the layers it trains. Bounded: once
/// <see cref="LimitBytes"/> would be passed, new sequences are computed in full and not kept, and
/// <see cref="LimitReached"/> fires once with a message that says so.
/// </summary>
/// <remarks>
/// The cache is keyed by the token ids themselves and tagged with a fingerprint of the frozen weights it was filled
/// from (<see cref="Validate"/>): a different tokenizer hands the encoder different ids, and different frozen weights
/// (a loaded state, a replaced layer) empty the cache before it is read, so neither can be served stale states. Not
/// thread-safe: the owning encoder locks around it.
/// </remarks>
public sealed class HiddenStateCache : IDisposable
{
    /// <summary>Bound on the memory the cached states take unless a cache is given another: 2 GiB.</summary>
    public const long DefaultLimitBytes = 2L << 30;

    /// <summary>
    /// The limit of the caches that encoders make for themselves from now on (<see cref="DefaultLimitBytes"/> unless set;
    /// 0 turns new caches off): the process-wide setting behind the CLI's <c>--hidden-cache-mb</c>.
    /// </summary>
    public static long ProcessLimitBytes
    {
        get => Interlocked.Read(ref _processLimitBytes);
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            Interlocked.Exchange(ref _processLimitBytes, value);
        }
    }

    /// <summary>The storage type of the caches that encoders make for themselves from now on (float32 unless set).</summary>
    public static ScalarType ProcessStorage { get; set; } = ScalarType.Float32;

    private static long _processLimitBytes = DefaultLimitBytes;

    private readonly Dictionary<string, Tensor> _states = new(StringComparer.Ordinal);
    private float[]? _fingerprint;
    private bool _warned;

    /// <summary>Creates an empty cache with the process-wide settings (<see cref="ProcessLimitBytes"/>, <see cref="ProcessStorage"/>).</summary>
    public HiddenStateCache() : this(ProcessLimitBytes, ProcessStorage)
    {
    }

    /// <summary>Creates an empty cache.</summary>
    /// <param name="limitBytes">Most bytes of cached states; 0 turns the cache off.</param>
    /// <param name="storage">Element type the states are kept in: float32 (exact) or float16 (half the memory, about 3 significant digits).</param>
    public HiddenStateCache(long limitBytes, ScalarType storage = ScalarType.Float32)
    {
        if (limitBytes < 0) throw new ArgumentOutOfRangeException(nameof(limitBytes), limitBytes, "The cache limit must be 0 (off) or a number of bytes.");
        if (storage is not (ScalarType.Float32 or ScalarType.Float16))
            throw new ArgumentException($"Hidden states are kept as Float32 or Float16, not {storage}.", nameof(storage));
        LimitBytes = limitBytes;
        Storage = storage;
    }

    /// <summary>Most bytes of cached states; 0 means the cache is off.</summary>
    public long LimitBytes { get; }

    /// <summary>Element type of the kept states.</summary>
    public ScalarType Storage { get; }

    /// <summary>Bytes the cached states take now.</summary>
    public long Bytes { get; private set; }

    /// <summary>Distinct token sequences cached.</summary>
    public int Count => _states.Count;

    /// <summary>Whether the cache keeps anything (<see cref="LimitBytes"/> above 0).</summary>
    public bool Enabled => LimitBytes > 0;

    /// <summary>Raised once, the first time a sequence is left out because the cache is full.</summary>
    public event Action<string>? LimitReached;

    /// <summary>
    /// Empties the cache unless <paramref name="fingerprint"/> is the one it was filled under, then remembers it: call
    /// before every read with the fingerprint of the frozen weights the states would come from.
    /// </summary>
    public void Validate(float[] fingerprint)
    {
        ArgumentNullException.ThrowIfNull(fingerprint);
        if (_fingerprint is not null && _fingerprint.AsSpan().SequenceEqual(fingerprint)) return;
        Clear();
        _fingerprint = (float[])fingerprint.Clone();
    }

    /// <summary>The cached states [tokens, hidden] of a sequence (in <see cref="Storage"/> type, owned by the cache), or null.</summary>
    public Tensor? Get(string key) => _states.GetValueOrDefault(key);

    /// <summary>
    /// Keeps a copy of <paramref name="states"/> [tokens, hidden] under <paramref name="key"/> if it fits; returns whether
    /// it was kept. The caller keeps ownership of <paramref name="states"/>.
    /// </summary>
    public bool TryAdd(string key, Tensor states)
    {
        ArgumentNullException.ThrowIfNull(states);
        if (!Enabled || _states.ContainsKey(key)) return false;
        long bytes = states.numel() * (Storage == ScalarType.Float16 ? 2 : 4);
        if (Bytes + bytes > LimitBytes)
        {
            if (!_warned)
            {
                _warned = true;
                LimitReached?.Invoke($"the hidden-state cache of the frozen layers is full ({Bytes / 1048576.0:F0} MiB of {LimitBytes / 1048576.0:F0} MiB, "
                    + $"{Count} texts): texts not yet cached now run through every layer, which is correct but slower. Raise the limit or keep the states as float16.");
            }
            return false;
        }
        _states[key] = states.detach().to_type(Storage).clone().DetachFromDisposeScope();
        Bytes += bytes;
        return true;
    }

    /// <summary>Drops every cached state (the fingerprint too).</summary>
    public void Clear()
    {
        foreach (var states in _states.Values) states.Dispose();
        _states.Clear();
        Bytes = 0;
        _fingerprint = null;
        _warned = false;
    }

    /// <inheritdoc />
    public void Dispose() => Clear();
}
