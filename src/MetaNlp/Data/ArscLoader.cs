namespace MetaNlp.Data;

/// <summary>
/// Loads ARSC (Amazon Review Sentiment Classification, Yu et al. 2018): <c>data/&lt;domain&gt;.t{2,4,5}.{train,dev,test}</c>
/// (gzip-compressed with a <c>.gz</c> suffix, or raw as downloaded) plus <c>workspace.filtered.list</c> and
/// <c>workspace.target.list</c>. Each line is <c>text&lt;TAB&gt;label</c> with label 1 / -1, read as
/// "positive" / "negative"; <see cref="TextExample.Domain"/> is the task name, e.g. "books.t2".
/// </summary>
public static class ArscLoader
{
    /// <summary>Label of lines marked 1.</summary>
    public const string Positive = "positive";

    /// <summary>Label of lines marked -1.</summary>
    public const string Negative = "negative";

    /// <summary>The list of meta-training and target domains.</summary>
    public const string FilteredListFile = "workspace.filtered.list";

    /// <summary>The list of target (test) domains.</summary>
    public const string TargetListFile = "workspace.target.list";

    /// <summary>The sub-folder holding the task files.</summary>
    public const string DataFolder = "data";

    /// <summary>The three rating-threshold tasks of each domain.</summary>
    public static IReadOnlyList<string> Thresholds { get; } = ["t2", "t4", "t5"];

    /// <summary>
    /// Loads every task file under <c>data/</c> as a part named by its stem ("books.t2.train", "books.t2.test", ...).
    /// </summary>
    public static TextDataset Load(string folder)
    {
        var dataDir = Path.Combine(folder, DataFolder);
        DatasetFiles.RequireDirectory(dataDir);
        var parts = new SortedDictionary<string, IReadOnlyList<TextExample>>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(dataDir))
        {
            var stem = StemOf(file);
            if (stem is null) continue;
            if (parts.ContainsKey(stem)) continue; // both raw and .gz present: the first one found wins; same content
            parts[stem] = ReadTaskFile(file, TaskNameOf(stem));
        }
        if (parts.Count == 0)
            throw new FileNotFoundException($"No ARSC task files (<domain>.t2.train etc.) in '{Path.GetFullPath(dataDir)}'.");
        return new TextDataset("arsc", new Dictionary<string, IReadOnlyList<TextExample>>(parts));
    }

    /// <summary>
    /// Reads the two lists and describes the 12 target tasks and the meta-training tasks whose <c>.train</c>
    /// file exists; missing files of listed domains are reported in <see cref="ArscTasks.MissingFiles"/>.
    /// A missing target-task file is an error.
    /// </summary>
    public static ArscTasks ReadTasks(string folder)
    {
        var domains = ReadList(Path.Combine(folder, FilteredListFile));
        var targets = ReadList(Path.Combine(folder, TargetListFile));
        var dataDir = Path.Combine(folder, DataFolder);
        var targetTasks = new List<ArscTask>();
        var trainingTasks = new List<ArscTask>();
        var missing = new List<string>();
        foreach (var domain in targets)
        {
            foreach (var t in Thresholds)
            {
                var task = new ArscTask(domain, t);
                foreach (var kind in new[] { "train", "dev", "test" })
                {
                    if (FindTaskFile(dataDir, $"{task.Name}.{kind}") is null)
                        throw new FileNotFoundException(
                            $"ARSC target task file '{task.Name}.{kind}' (or '{task.Name}.{kind}.gz') not found in '{Path.GetFullPath(dataDir)}'.");
                }
                targetTasks.Add(task);
            }
        }
        var targetSet = new HashSet<string>(targets, StringComparer.Ordinal);
        foreach (var domain in domains.Where(d => !targetSet.Contains(d)))
        {
            foreach (var t in Thresholds)
            {
                var task = new ArscTask(domain, t);
                foreach (var kind in new[] { "train", "dev", "test" })
                {
                    if (FindTaskFile(dataDir, $"{task.Name}.{kind}") is null) missing.Add($"{task.Name}.{kind}");
                }
                if (FindTaskFile(dataDir, task.TrainPart) is not null) trainingTasks.Add(task);
            }
        }
        return new ArscTasks(targetTasks, trainingTasks, missing);
    }

    /// <summary>The path of a task file by stem ("books.t2.train"), raw or .gz, or null when neither exists.</summary>
    public static string? FindTaskFile(string dataDir, string stem)
    {
        var raw = Path.Combine(dataDir, stem);
        if (File.Exists(raw)) return raw;
        var gz = raw + ".gz";
        return File.Exists(gz) ? gz : null;
    }

    /// <summary>Reads one task file (raw or .gz); every example gets <paramref name="domain"/>.</summary>
    public static IReadOnlyList<TextExample> ReadTaskFile(string path, string? domain)
    {
        var examples = new List<TextExample>();
        foreach (var (number, line) in DatasetFiles.ReadLines(path))
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            int tab = line.LastIndexOf('\t');
            if (tab < 0)
                throw new DatasetFormatException(path, number, null, "expected 'text<TAB>label' but the line has no tab.");
            var text = line[..tab];
            var label = line[(tab + 1)..].Trim() switch
            {
                "1" or "+1" => Positive,
                "-1" => Negative,
                var other => throw new DatasetFormatException(path, number, "label", $"expected 1 or -1 but found '{other}'."),
            };
            if (string.IsNullOrWhiteSpace(text))
                throw new DatasetFormatException(path, number, "text", "the text is empty.");
            examples.Add(new TextExample(text, label) { Domain = domain });
        }
        return examples;
    }

    private static List<string> ReadList(string path) =>
        DatasetFiles.ReadLines(path).Select(l => l.Line.Trim()).Where(l => l.Length > 0).ToList();

    private static string? StemOf(string file)
    {
        var name = Path.GetFileName(file);
        if (name.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)) name = name[..^3];
        return name.EndsWith(".train", StringComparison.Ordinal) || name.EndsWith(".dev", StringComparison.Ordinal)
            || name.EndsWith(".test", StringComparison.Ordinal) ? name : null;
    }

    private static string TaskNameOf(string stem) => stem[..stem.LastIndexOf('.')];
}
