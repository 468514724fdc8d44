namespace MetaNlp.Encoders;

/// <summary>
/// A frozen encoder's sentence vectors, one per distinct key (a text's token ids), in managed memory and bounded in
/// bytes: when a new vector would pass <see cref="LimitBytes"/>, the least recently used ones are dropped first, and a
/// vector larger than the whole bound is not kept. Thread-safe (a service predicts from several threads).
/// </summary>
/// <remarks>
/// The cache holds what it is given: the encoder that owns it decides when its vectors are valid (the frozen encoder
/// running its own weights) and empties it when they are not (<see cref="Clear"/>).
/// </remarks>
public sealed class SentenceVectorCache
{
    /// <summary>The bound unless set otherwise: 512 MiB, about 250,000 short texts (a MiniLM vector is 1.5 kB, plus its key and bookkeeping).</summary>
    public const long DefaultLimitBytes = 512L << 20;

    // Bytes an entry takes beyond its vector and its key's characters: the dictionary slot, the list node, the entry
    // and the array and string headers (measured with GC.GetAllocatedBytesForCurrentThread: about 150).
    private const int EntryOverheadBytes = 160;

    private readonly Dictionary<string, LinkedListNode<Entry>> _entries = new(StringComparer.Ordinal);
    private readonly LinkedList<Entry> _recency = new();   // most recently used first
    private readonly object _gate = new();
    private long _limitBytes = DefaultLimitBytes;
    private long _bytes;

    /// <summary>Vectors held now.</summary>
    public int Count
    {
        get
        {
            lock (_gate) return _entries.Count;
        }
    }

    /// <summary>Bytes the cache takes now (vectors, keys and bookkeeping; at most <see cref="LimitBytes"/>).</summary>
    public long Bytes
    {
        get
        {
            lock (_gate) return _bytes;
        }
    }

    /// <summary>Most bytes the cache may take (<see cref="DefaultLimitBytes"/> unless set; 0 turns it off); lowering it drops entries at once.</summary>
    public long LimitBytes
    {
        get
        {
            lock (_gate) return _limitBytes;
        }
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            lock (_gate)
            {
                _limitBytes = value;
                EvictTo(value);
            }
        }
    }

    /// <summary>Whether the key is cached, without counting as a use.</summary>
    public bool Contains(string key)
    {
        lock (_gate) return _entries.ContainsKey(key);
    }

    /// <summary>The vector of <paramref name="key"/>, which becomes the most recently used; null when it is not cached. The array is shared: do not change it.</summary>
    public float[]? Get(string key)
    {
        lock (_gate)
        {
            if (!_entries.TryGetValue(key, out var node)) return null;
            _recency.Remove(node);
            _recency.AddFirst(node);
            return node.Value.Vector;
        }
    }

    /// <summary>Keeps <paramref name="vector"/> under <paramref name="key"/> if it fits the bound, dropping the least recently used vectors to make room; a key already cached keeps its vector.</summary>
    public void Add(string key, float[] vector)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(vector);
        long bytes = EntryBytes(key, vector);
        lock (_gate)
        {
            if (bytes > _limitBytes || _entries.ContainsKey(key)) return;
            EvictTo(_limitBytes - bytes);
            _entries[key] = _recency.AddFirst(new Entry(key, vector));
            _bytes += bytes;
        }
    }

    /// <summary>Drops every vector.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _entries.Clear();
            _recency.Clear();
            _bytes = 0;
        }
    }

    private void EvictTo(long bytes)
    {
        while (_bytes > bytes && _recency.Last is { } oldest)
        {
            _recency.RemoveLast();
            _entries.Remove(oldest.Value.Key);
            _bytes -= EntryBytes(oldest.Value.Key, oldest.Value.Vector);
        }
    }

    private static long EntryBytes(string key, float[] vector) => (long)vector.Length * sizeof(float) + (long)key.Length * sizeof(char) + EntryOverheadBytes;

    private sealed record Entry(string Key, float[] Vector);
}
