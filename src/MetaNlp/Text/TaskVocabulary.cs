namespace MetaNlp.Text;

/// <summary>
/// The rows of a word-embedding table that one task uses, and its token ids renumbered into them. Adapting a
/// task-local table of those rows gives the same adapted model and the same meta-gradient as adapting the whole
/// table (every other row has a zero gradient), at a fraction of the cost (docs/TORCHSHARP.md). Padding and the
/// unknown token keep their ids 0 and 1, so word dropout and masks mean the same in both numberings.
/// </summary>
public sealed class TaskVocabulary
{
    private readonly Dictionary<int, int> _local;
    private readonly List<long> _rows;

    private TaskVocabulary(Dictionary<int, int> local, List<long> rows)
    {
        _local = local;
        _rows = rows;
    }

    /// <summary>Global ids of the rows, in local id order.</summary>
    public IReadOnlyList<long> Rows => _rows;

    /// <summary>Rows in the local table.</summary>
    public int Count => _rows.Count;

    /// <summary>The rows used by <paramref name="sequences"/> (plus padding and unknown).</summary>
    public static TaskVocabulary From(IEnumerable<int[]> sequences)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        var local = new Dictionary<int, int> { [Vocabulary.PadId] = 0, [Vocabulary.UnknownId] = 1 };
        var rows = new List<long> { Vocabulary.PadId, Vocabulary.UnknownId };
        foreach (var sequence in sequences)
        {
            foreach (int id in sequence)
            {
                if (local.TryAdd(id, rows.Count)) rows.Add(id);
            }
        }
        return new TaskVocabulary(local, rows);
    }

    /// <summary>A sequence of global ids in local ids; every id must be one this vocabulary was built from.</summary>
    public int[] Map(int[] ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var mapped = new int[ids.Length];
        for (int i = 0; i < ids.Length; i++)
        {
            mapped[i] = _local.TryGetValue(ids[i], out int id) ? id : throw new ArgumentException($"Token id {ids[i]} is not in this task's vocabulary.", nameof(ids));
        }
        return mapped;
    }
}
