using System.Text.Json;
using MetaNlp.Data;

namespace MetaNlp.Generation;

/// <summary>
/// Dialogue-act-to-text tasks (one dialogue domain each): FewShotWOZ (7 domains, folder <c>fewshotwoz</c>),
/// FewShotSGD (16 SGD domains, folder <c>fewshotsgd</c>) and RNNLG (4 domains, folder <c>rnnlg/original</c>). Each
/// file is a JSON list of <c>[dialogue act, utterance, …]</c>; the source is the act, the target the first utterance.
/// </summary>
public static class NlgTasks
{
    /// <summary>The FewShotWOZ domains for <paramref name="split"/> (<c>train</c>: the 40–50 shots, or <c>test</c>).</summary>
    /// <exception cref="ArgumentException">The split is neither train nor test.</exception>
    /// <exception cref="DatasetFormatException">A file is not a list of [act, utterance, …] (names the file and entry).</exception>
    public static IReadOnlyList<GenerationTask> FewShotWoz(string dataDir, string split) =>
        Domains(Path.Combine(dataDir, "fewshotwoz"), split, ["train", "test"], skipComments: false);

    /// <summary>The FewShotSGD domains (<c>sgd_banks</c> …) for <paramref name="split"/> (<c>train</c> or <c>test</c>).</summary>
    /// <exception cref="ArgumentException">The split is neither train nor test.</exception>
    /// <exception cref="DatasetFormatException">A file is not a list of [act, utterance, …] (names the file and entry).</exception>
    public static IReadOnlyList<GenerationTask> FewShotSgd(string dataDir, string split) =>
        Domains(Path.Combine(dataDir, "fewshotsgd"), split, ["train", "test"], skipComments: false);

    /// <summary>The RNNLG domains (restaurant, hotel, laptop, tv) for <paramref name="split"/> (<c>train</c>, <c>valid</c>, <c>test</c>).</summary>
    /// <exception cref="ArgumentException">The split is not train, valid or test.</exception>
    /// <exception cref="DatasetFormatException">A file is not a list of [act, utterance, …] (names the file and entry).</exception>
    public static IReadOnlyList<GenerationTask> Rnnlg(string dataDir, string split) =>
        Domains(Path.Combine(dataDir, "rnnlg", "original"), split, ["train", "valid", "test"], skipComments: true);

    private static List<GenerationTask> Domains(string root, string split, string[] splits, bool skipComments)
    {
        if (!splits.Contains(split, StringComparer.Ordinal))
            throw new ArgumentException($"split '{split}' is not one of {string.Join(", ", splits)}.", nameof(split));
        TranslationTasks.RequireDirectory(root);
        var tasks = new List<GenerationTask>();
        foreach (var dir in Directory.GetDirectories(root).Order(StringComparer.Ordinal))
        {
            var file = Path.Combine(dir, split + ".json.gz");
            if (!File.Exists(file)) continue;
            tasks.Add(new GenerationTask(Path.GetFileName(dir), GenerationTaskFamily.Nlg, Read(file, skipComments)));
        }
        return tasks;
    }

    private static List<GenerationPair> Read(string file, bool skipComments)
    {
        var text = GzipText.ReadAll(file);
        // RNNLG files open with '#' comment lines (a copyright banner) before the JSON.
        if (skipComments)
            text = string.Join('\n', text.Split('\n').Where(l => !l.TrimStart().StartsWith('#')));
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text);
        }
        catch (JsonException e)
        {
            throw new DatasetFormatException(file, null, null, $"not valid JSON: {e.Message}", e);
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Array)
                throw new DatasetFormatException(file, null, null, "the file must hold a JSON list of [dialogue act, utterance, ...].");
            var pairs = new List<GenerationPair>();
            var index = 0;
            foreach (var entry in document.RootElement.EnumerateArray())
            {
                index++;
                if (entry.ValueKind != JsonValueKind.Array || entry.GetArrayLength() < 2
                    || entry[0].ValueKind != JsonValueKind.String || entry[1].ValueKind != JsonValueKind.String
                    || string.IsNullOrWhiteSpace(entry[0].GetString()) || string.IsNullOrWhiteSpace(entry[1].GetString()))
                    throw new DatasetFormatException(file, null, $"entry {index}", "expected [dialogue act, utterance, ...] with two non-empty strings.");
                pairs.Add(new GenerationPair(entry[0].GetString()!.Trim(), entry[1].GetString()!.Trim()));
            }
            return pairs;
        }
    }
}
