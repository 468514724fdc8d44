namespace MetaNlp.Data;

/// <summary>
/// An episodic Chinese topic benchmark built from three FewCLUE tasks: meta-train on the classes of some tasks, test
/// on the classes of another, so test episodes hold topics, texts and a text genre never seen in training. Every
/// labelled text of a task (train_0..4, dev_0..4, test_public, duplicates removed) is pooled; labels are prefixed by
/// their task ("tnews/news_car", "iflytek/公共交通") as two tasks may name a class alike.
/// </summary>
public static class FewClueCrossTopics
{
    /// <summary>The tasks pooled, in label order.</summary>
    public static IReadOnlyList<string> Tasks { get; } = ["tnews", "csldcp", "iflytek"];

    /// <summary>Classes with fewer pooled examples are left out of the splits (6 IFLYTEK classes, 3 to 9 each), so every class fills a 5-shot 5-query episode.</summary>
    public const int MinExamplesPerClass = 10;

    /// <summary>How many class splits there are (--split-index 1 or 2).</summary>
    public const int SplitCount = 2;

    /// <summary>What each split index means, for the registry's protocol notes.</summary>
    public const string Description =
        "Split 1: meta-train on the 15 TNEWS + 67 CSLDCP classes, validate on 20 IFLYTEK classes, test on the other 93 IFLYTEK classes " +
        "(app descriptions: a genre unseen in training). Split 2, the reverse: meta-train on the 113 IFLYTEK classes, validate on the " +
        "15 TNEWS classes, test on the 67 CSLDCP classes (paper abstracts). IFLYTEK classes in ordinal order of their Chinese names: the first 20 validate. " +
        "Classes with fewer than 10 pooled examples (6 IFLYTEK classes) are left out.";

    /// <summary>Loads the three task folders under <paramref name="fewClueFolder"/> (the "fewclue" folder) into one pooled dataset.</summary>
    public static TextDataset Load(string fewClueFolder)
    {
        var examples = new List<TextExample>();
        foreach (var task in Tasks)
        {
            var data = FewClueLoader.Load(Path.Combine(fewClueFolder, task), task);
            var seen = new HashSet<(string, string)>();
            foreach (var e in data.All)
            {
                if (seen.Add((e.Text, e.Label))) examples.Add(e with { Label = $"{task}/{e.Label}", Domain = task });
            }
        }
        return new TextDataset("fewclue-cross", examples);
    }

    /// <summary>The class split of <paramref name="splitIndex"/> (1 or 2; see <see cref="Description"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The index is not 1 or 2.</exception>
    public static ClassSplit Split(TextDataset dataset, int splitIndex)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var sizes = dataset.All.GroupBy(e => e.Label).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        string[] Of(string task) => [.. dataset.Classes.Where(c => c.StartsWith(task + "/", StringComparison.Ordinal) && sizes[c] >= MinExamplesPerClass).Order(StringComparer.Ordinal)];
        var iflytek = Of("iflytek");
        return splitIndex switch
        {
            1 => new ClassSplit([.. Of("tnews"), .. Of("csldcp")], iflytek[..20], iflytek[20..]),
            2 => new ClassSplit(iflytek, Of("tnews"), Of("csldcp")),
            _ => throw new ArgumentOutOfRangeException(nameof(splitIndex), splitIndex, $"fewclue-cross has class splits 1 and 2 (--split-index): {Description}"),
        };
    }
}
