namespace MetaNlp.Data;

/// <summary>How a benchmark is evaluated.</summary>
public enum BenchmarkKind
{
    /// <summary>N-way K-shot episodes over the test classes of a class split.</summary>
    Episodic,

    /// <summary>A fixed support set of K per class; queries are a whole test set over all classes at once.</summary>
    AllClasses,

    /// <summary>ARSC: fixed target tasks (support = .train, query = .test), mean over the tasks.</summary>
    ArscTasks,

    /// <summary>In-scope accuracy plus out-of-scope recall (CLINC150).</summary>
    OutOfScope,
}

/// <summary>The default evaluation protocol of a benchmark (docs/BENCHMARKS.md, "Benchmark protocols").</summary>
/// <param name="Kind">How the benchmark is evaluated.</param>
/// <param name="Ways">Classes per episode (N); for all-class protocols the number of classes.</param>
/// <param name="Shots">The shot settings reported (K).</param>
/// <param name="QueriesPerClass">Queries per class per episode; 0 where the queries are a whole fixed set.</param>
/// <param name="TestEpisodes">Test episodes (or, for fixed tasks, the number of tasks averaged).</param>
/// <param name="Notes">What else the protocol says.</param>
public sealed record BenchmarkProtocol(BenchmarkKind Kind, int Ways, IReadOnlyList<int> Shots, int QueriesPerClass, int TestEpisodes, string Notes)
{
    /// <summary>
    /// The benchmark's episode shape: its ways where episodes have them (episodic, ARSC; an all-classes benchmark's
    /// ways are its whole class count), its first shot setting and its queries per class, each else 5.
    /// </summary>
    public EpisodeSamplerOptions EpisodeShape => new()
    {
        Ways = Kind is BenchmarkKind.Episodic or BenchmarkKind.ArscTasks ? Ways : 5,
        Shots = Shots.Count > 0 ? Shots[0] : 5,
        Queries = QueriesPerClass > 0 ? QueriesPerClass : 5,
    };
}

/// <summary>One file of a registry entry.</summary>
/// <param name="RelativePath">Path relative to the data folder, with '/' separators (e.g. "banking77/train.csv").</param>
/// <param name="Url">Canonical download URL (raw GitHub, pinned to a commit).</param>
/// <param name="Sha256">Lower-case hex SHA-256 of the file as stored (for ARSC: of the uncompressed upstream file).</param>
/// <param name="Size">Size in bytes.</param>
public sealed record DatasetFileEntry(string RelativePath, string Url, string Sha256, long Size);

/// <summary>Choices made when loading a registry entry.</summary>
public sealed record DatasetLoadOptions
{
    /// <summary>ProtAugment class split, 1 to 5 (intent-* entries).</summary>
    public int SplitIndex { get; init; } = 1;

    /// <summary>Support shots for DNNC entries: 5 or 10 (null = 5).</summary>
    public int? Shots { get; init; }
}

/// <summary>A loaded registry entry: the data, its class split where the protocol has one, and the protocol.</summary>
/// <param name="Info">The registry entry.</param>
/// <param name="Dataset">The examples, by part.</param>
/// <param name="Split">The class split for episodic protocols; null otherwise.</param>
/// <param name="Protocol">The evaluation protocol.</param>
public sealed record LoadedDataset(DatasetInfo Info, TextDataset Dataset, ClassSplit? Split, BenchmarkProtocol Protocol)
{
    /// <summary>Which parts play which role in the protocol: episodic (the default), a fixed support set, or ARSC's tasks.</summary>
    public ProtocolParts Parts { get; init; } = EpisodicParts.Instance;

    /// <summary>What each label says, where the labels are ids (FewRel's relation names and descriptions, HuffPost's categories), for <see cref="LabelTexts"/>; empty otherwise.</summary>
    public IReadOnlyDictionary<string, string> LabelNames { get; init; } = new Dictionary<string, string>();

    /// <summary>The data ready for its protocol, with <paramref name="split"/> in force where given (a user's or a trained model's), else the registry's.</summary>
    public ProtocolData ForProtocol(ClassSplit? split = null) => new(Info.Name, Dataset, split ?? Split, Parts, Protocol);
}
