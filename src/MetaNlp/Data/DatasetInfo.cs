namespace MetaNlp.Data;

/// <summary>One benchmark of the registry: what it is, where its files come from, and how it is evaluated.</summary>
public sealed class DatasetInfo
{
    private readonly Func<DatasetInfo, string, DatasetLoadOptions, LoadedDataset>? _loader;

    /// <summary>Creates an entry.</summary>
    /// <param name="name">Registry name (e.g. "banking77").</param>
    /// <param name="description">One-line description.</param>
    /// <param name="citation">Citation and licence line.</param>
    /// <param name="folder">Folder under the data directory.</param>
    /// <param name="protocol">Default evaluation protocol.</param>
    /// <param name="files">The files, relative to the data directory.</param>
    /// <param name="loader">Loads the entry from (entry, folder path, options); null when the entry cannot be loaded (download only).</param>
    public DatasetInfo(string name, string description, string citation, string folder, BenchmarkProtocol protocol,
        IReadOnlyList<DatasetFileEntry> files, Func<DatasetInfo, string, DatasetLoadOptions, LoadedDataset>? loader = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        Name = name;
        Description = description;
        Citation = citation;
        Folder = folder;
        Protocol = protocol;
        Files = files;
        _loader = loader;
    }

    /// <summary>Registry name.</summary>
    public string Name { get; }

    /// <summary>One-line description.</summary>
    public string Description { get; }

    /// <summary>Citation and licence.</summary>
    public string Citation { get; }

    /// <summary>Folder under the data directory.</summary>
    public string Folder { get; }

    /// <summary>Default evaluation protocol.</summary>
    public BenchmarkProtocol Protocol { get; }

    /// <summary>Files with download URL, SHA-256 and size; paths relative to the data directory.</summary>
    public IReadOnlyList<DatasetFileEntry> Files { get; }

    /// <summary>Total size of <see cref="Files"/> in bytes.</summary>
    public long TotalSize => Files.Sum(f => f.Size);

    /// <summary>The full path of a file entry under <paramref name="dataDir"/>.</summary>
    public static string LocalPath(string dataDir, DatasetFileEntry file) =>
        Path.Combine(dataDir, file.RelativePath.Replace('/', Path.DirectorySeparatorChar));

    /// <summary>
    /// The files that are absent under <paramref name="dataDir"/> (a gzip copy "NAME.gz" counts as present, as the
    /// shared ARSC copy is stored that way).
    /// </summary>
    public IReadOnlyList<DatasetFileEntry> MissingFiles(string dataDir) =>
        Files.Where(f => { var p = LocalPath(dataDir, f); return !File.Exists(p) && !File.Exists(p + ".gz"); }).ToArray();

    /// <summary>
    /// Loads the entry from <paramref name="dataDir"/> (see <see cref="DataDirectory.Resolve"/>). A missing file is a
    /// <see cref="FileNotFoundException"/> saying which file was expected where and that
    /// <c>metanlp datasets download NAME</c> fetches it.
    /// </summary>
    public LoadedDataset Load(string dataDir, DatasetLoadOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDir);
        if (_loader is null) throw new NotSupportedException($"Dataset '{Name}' has no loader.");
        var folder = Path.Combine(dataDir, Folder);
        var missing = MissingFiles(dataDir);
        if (missing.Count > 0)
        {
            var first = LocalPath(dataDir, missing[0]);
            var more = missing.Count > 1 ? $" ({missing.Count} of its {Files.Count} files are missing)" : "";
            var where = Directory.Exists(folder) ? "" : $" The folder '{Path.GetFullPath(folder)}' does not exist.";
            throw new FileNotFoundException(
                $"Dataset '{Name}' expects the file '{missing[0].RelativePath}' at '{Path.GetFullPath(first)}', which is missing{more}.{where} " +
                $"Run `metanlp datasets download {Name}` to fetch it into the data folder '{Path.GetFullPath(dataDir)}' " +
                $"(choose the folder with --data-dir or {DataDirectory.EnvironmentVariable}).", first);
        }
        return _loader(this, folder, options ?? new DatasetLoadOptions());
    }

    /// <inheritdoc />
    public override string ToString() => $"{Name}: {Description}";
}
