using System.Globalization;
using System.Text.Json;

namespace MetaNlp.Data;

/// <summary>
/// Loads FewJoint (Hou et al. 2020; SMP2020-ECDT task 1) for intent detection: one shot version
/// <c>SMP_Final_Origin2_K/</c> (K = 1, 3, 5, 10) with <c>train/source.json</c> (the meta-training domains) and the
/// shipped episodes <c>dev/</c> and <c>test/</c>, each episode k a <c>support/support_k.json</c> and its labelled
/// queries <c>correct/correct_k.json</c> (the unlabelled <c>test/test_k.json</c> copies are not read). Every file is
/// a JSON array of objects with "domain", "text" and "intent" (slots are not read). The label is the intent; the
/// <see cref="TextExample.Domain"/> is the domain.
/// </summary>
public static class FewJointLoader
{
    /// <summary>The part holding the meta-training utterances.</summary>
    public const string TrainPart = "train";

    /// <summary>The shot versions shipped (support examples per intent, roughly: FewJoint samples by utterance).</summary>
    public static IReadOnlyList<int> ShotVersions { get; } = [1, 3, 5, 10];

    /// <summary>The folder of shot version <paramref name="shots"/>, relative to the dataset folder.</summary>
    /// <exception cref="ArgumentException"><paramref name="shots"/> is not one of <see cref="ShotVersions"/>.</exception>
    public static string VersionFolder(int shots) => ShotVersions.Contains(shots)
        ? $"SMP_Final_Origin2_{shots}"
        : throw new ArgumentException($"FewJoint ships the shot versions {string.Join(", ", ShotVersions)} (--shots), not {shots}.");

    /// <summary>Loads shot version <paramref name="shots"/> of the dataset in <paramref name="folder"/> (e.g. fewjoint).</summary>
    /// <returns>The utterances by part ("train", "dev_0.support", "dev_0.query", "test_0.support", ...) and the shipped episodes.</returns>
    /// <exception cref="DatasetFormatException">A file is not a JSON array of such objects, an episode mixes domains, or a query's intent is not in its support set; the message names the file and entry.</exception>
    public static (TextDataset Dataset, FewJointEpisodes Episodes) Load(string folder, int shots)
    {
        var root = Path.Combine(folder, VersionFolder(shots));
        DatasetFiles.RequireDirectory(root);
        var parts = new Dictionary<string, IReadOnlyList<TextExample>>(StringComparer.Ordinal)
        {
            [TrainPart] = ReadFile(Path.Combine(root, "train", "source.json")),
        };
        var dev = ReadEpisodes(root, "dev", parts);
        var test = ReadEpisodes(root, "test", parts);
        return (new TextDataset("fewjoint", parts), new FewJointEpisodes(TrainPart, dev, test));
    }

    /// <summary>Reads one FewJoint file: a JSON array of objects with non-empty "domain", "text" and "intent".</summary>
    public static IReadOnlyList<TextExample> ReadFile(string path)
    {
        using var doc = DatasetFiles.ParseJsonFile(path);
        if (doc.RootElement.ValueKind != JsonValueKind.Array)
            throw new DatasetFormatException(path, null, null, $"expected a JSON array of utterances but found {DatasetFiles.Describe(doc.RootElement.ValueKind)}.");
        var examples = new List<TextExample>();
        int entry = 0;
        foreach (var obj in doc.RootElement.EnumerateArray())
        {
            if (obj.ValueKind != JsonValueKind.Object)
                throw new DatasetFormatException(path, null, null, $"entry {entry}: expected an object but found {DatasetFiles.Describe(obj.ValueKind)}.");
            examples.Add(new TextExample(Field(path, entry, obj, "text"), Field(path, entry, obj, "intent")) { Domain = Field(path, entry, obj, "domain") });
            entry++;
        }
        return examples;
    }

    private static List<FewJointEpisode> ReadEpisodes(string root, string split, Dictionary<string, IReadOnlyList<TextExample>> parts)
    {
        var supportDir = Path.Combine(root, split, "support");
        DatasetFiles.RequireDirectory(supportDir);
        var numbers = Directory.EnumerateFiles(supportDir, "support_*.json")
            .Select(f => Path.GetFileNameWithoutExtension(f)["support_".Length..])
            .Select(s => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out int k) ? k : -1)
            .Where(k => k >= 0).Order().ToArray();
        if (numbers.Length == 0) throw new FileNotFoundException($"No FewJoint episodes (support_k.json) in '{Path.GetFullPath(supportDir)}'.");
        var episodes = new List<FewJointEpisode>();
        foreach (int k in numbers)
        {
            string name = $"{split}_{k}";
            string supportPath = Path.Combine(supportDir, $"support_{k}.json");
            string queryPath = Path.Combine(root, split, "correct", $"correct_{k}.json");
            var support = ReadFile(supportPath);
            var query = ReadFile(queryPath);
            if (support.Count == 0) throw new DatasetFormatException(supportPath, null, null, "the support set is empty.");
            string domain = support[0].Domain!;
            CheckDomain(supportPath, support, domain);
            CheckDomain(queryPath, query, domain);
            var intents = support.Select(e => e.Label).ToHashSet(StringComparer.Ordinal);
            int bad = query.ToList().FindIndex(e => !intents.Contains(e.Label));
            if (bad >= 0)
                throw new DatasetFormatException(queryPath, null, "intent", $"entry {bad}: intent '{query[bad].Label}' is not among the intents of {Path.GetFileName(supportPath)}.");
            parts[$"{name}.support"] = support;
            parts[$"{name}.query"] = query;
            episodes.Add(new FewJointEpisode(name, domain, $"{name}.support", $"{name}.query"));
        }
        return episodes;
    }

    private static void CheckDomain(string path, IReadOnlyList<TextExample> examples, string domain)
    {
        int bad = examples.ToList().FindIndex(e => e.Domain != domain);
        if (bad >= 0)
            throw new DatasetFormatException(path, null, "domain", $"entry {bad}: domain '{examples[bad].Domain}' differs from the episode's domain '{domain}'.");
    }

    private static string Field(string path, int entry, JsonElement obj, string name)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetString()))
            throw new DatasetFormatException(path, null, name, $"entry {entry}: the \"{name}\" field is missing, empty or not a string.");
        return value.GetString()!;
    }
}
