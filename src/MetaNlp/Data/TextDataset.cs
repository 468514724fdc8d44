namespace MetaNlp.Data;

/// <summary>
/// A loaded dataset: named parts ("train", "test", "oos_test", "all", ...) of labelled examples.
/// Episodic benchmarks draw from <see cref="All"/> filtered by a <see cref="ClassSplit"/>; fixed-split
/// protocols (DNNC, CLINC150 out-of-scope) read named parts.
/// </summary>
public sealed class TextDataset
{
    private readonly Dictionary<string, IReadOnlyList<TextExample>> _parts;

    /// <summary>Creates a dataset from its named parts.</summary>
    public TextDataset(string name, IReadOnlyDictionary<string, IReadOnlyList<TextExample>> parts)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(parts);
        if (parts.Count == 0) throw new ArgumentException($"Dataset '{name}' has no parts.", nameof(parts));
        Name = name;
        _parts = new Dictionary<string, IReadOnlyList<TextExample>>(parts, StringComparer.Ordinal);
        All = _parts.Values.SelectMany(p => p).ToArray();
        Classes = All.Select(e => e.Label).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
    }

    /// <summary>Creates a dataset with the single part "all".</summary>
    public TextDataset(string name, IReadOnlyList<TextExample> examples)
        : this(name, new Dictionary<string, IReadOnlyList<TextExample>> { ["all"] = examples })
    {
    }

    /// <summary>Dataset name (registry name or file name).</summary>
    public string Name { get; }

    /// <summary>Names of the parts, in insertion order.</summary>
    public IReadOnlyCollection<string> PartNames => _parts.Keys;

    /// <summary>Every example of every part.</summary>
    public IReadOnlyList<TextExample> All { get; }

    /// <summary>Every label present, sorted ordinally.</summary>
    public IReadOnlyList<string> Classes { get; }

    /// <summary>
    /// Unlabelled in-domain texts shipped with the data for semi-supervised use (FewCLUE's <c>unlabeled.json</c>),
    /// empty where there are none. They are in no part, so no protocol samples, supports or scores them; only the
    /// self-supervised stage (<see cref="Models.ContrastiveOptions.UnlabeledEpochs"/>) reads them.
    /// </summary>
    public IReadOnlyList<string> Unlabeled { get; init; } = [];

    /// <summary>One named part; the error lists the parts that exist.</summary>
    public IReadOnlyList<TextExample> Part(string name) =>
        _parts.TryGetValue(name, out var part)
            ? part
            : throw new KeyNotFoundException(
                $"Dataset '{Name}' has no part '{name}'; it has: {string.Join(", ", _parts.Keys)}.");

    /// <summary>Whether a part of that name exists.</summary>
    public bool HasPart(string name) => _parts.ContainsKey(name);

    /// <summary>The examples whose label is one of <paramref name="classes"/>, from all parts.</summary>
    public IReadOnlyList<TextExample> WithClasses(IEnumerable<string> classes)
    {
        var wanted = new HashSet<string>(classes, StringComparer.Ordinal);
        return All.Where(e => wanted.Contains(e.Label)).ToArray();
    }
}
