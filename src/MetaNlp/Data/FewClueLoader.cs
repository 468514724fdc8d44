using System.Text.Json;

namespace MetaNlp.Data;

/// <summary>
/// Loads a FewCLUE classification task (Xu et al. 2021; CLUEbenchmark/FewCLUE <c>datasets/&lt;task&gt;/</c>): the
/// five fixed few-shot training sets <c>train_0..4.json</c>, their validation sets <c>dev_0..4.json</c> and the
/// labelled test set <c>test_public.json</c>, each a part of the same name without ".json". JSON Lines, one object
/// per line; the text and label fields differ per task (<see cref="Tasks"/>).
/// </summary>
public static class FewClueLoader
{
    /// <summary>Number of fixed few-shot splits (k = 0..4).</summary>
    public const int SplitCount = 5;

    /// <summary>The labelled test part, on which every published FewCLUE number is an accuracy.</summary>
    public const string TestPart = "test_public";

    /// <summary>
    /// The single-text classification tasks: folder name, text field and label field. TNEWS and IFLYTEK store an
    /// integer code in "label", so their readable name field is used instead (TNEWS "news_car", IFLYTEK "公共交通").
    /// </summary>
    public static IReadOnlyList<(string Task, string TextField, string LabelField)> Tasks { get; } =
    [
        ("eprstmt", "sentence", "label"),
        ("tnews", "sentence", "label_desc"),
        ("iflytek", "sentence", "label_des"),
        ("csldcp", "content", "label"),
    ];

    /// <summary>The training part of split <paramref name="k"/> (0 to 4).</summary>
    public static string TrainPart(int k) => $"train_{CheckSplit(k)}";

    /// <summary>The validation part of split <paramref name="k"/> (0 to 4).</summary>
    public static string DevPart(int k) => $"dev_{CheckSplit(k)}";

    /// <summary>The files a task needs, relative to its folder.</summary>
    public static IEnumerable<string> RequiredFiles() =>
        Enumerable.Range(0, SplitCount).Select(k => $"train_{k}.json")
            .Concat(Enumerable.Range(0, SplitCount).Select(k => $"dev_{k}.json"))
            .Append($"{TestPart}.json");

    /// <summary>
    /// The file of unlabelled texts a task ships for semi-supervised use, relative to its folder; the data folder may
    /// hold it gzip-compressed as <c>unlabeled.json.gz</c>. Only <see cref="UnlabeledTasks"/> have one.
    /// </summary>
    public const string UnlabeledFile = "unlabeled.json";

    /// <summary>
    /// The tasks whose unlabelled texts are in the registry's files: EPRSTMT (19,565 reviews) and TNEWS (20,000
    /// titles). IFLYTEK's and CSLDCP's are missing from the only snapshot of FewCLUE (fewclue/SOURCE.md).
    /// </summary>
    public static IReadOnlyList<string> UnlabeledTasks { get; } = ["eprstmt", "tnews"];

    /// <summary>
    /// Loads the task in <paramref name="folder"/> (e.g. fewclue/tnews): parts train_0..4, dev_0..4 and test_public,
    /// and the unlabelled texts (<see cref="TextDataset.Unlabeled"/>) where <see cref="UnlabeledFile"/> (or its .gz) is present.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="task"/> is not one of <see cref="Tasks"/>.</exception>
    /// <exception cref="DatasetFormatException">A line is not a JSON object with the task's text and label; the message names file and line.</exception>
    public static TextDataset Load(string folder, string task)
    {
        var (_, textField, labelField) = Tasks.FirstOrDefault(t => t.Task == task);
        if (textField is null) throw new ArgumentException($"Unknown FewCLUE task '{task}'; known: {string.Join(", ", Tasks.Select(t => t.Task))}.", nameof(task));
        DatasetFiles.RequireDirectory(folder);
        var parts = new Dictionary<string, IReadOnlyList<TextExample>>();
        foreach (var file in RequiredFiles())
            parts[Path.GetFileNameWithoutExtension(file)] = LoadPart(Path.Combine(folder, file), textField, labelField);
        var unlabeled = new[] { UnlabeledFile, UnlabeledFile + ".gz" }.Select(f => Path.Combine(folder, f)).FirstOrDefault(File.Exists);
        return new TextDataset(task, parts) { Unlabeled = unlabeled is null ? [] : LoadTexts(unlabeled, textField) };
    }

    /// <summary>Reads the text field of every line of a JSON Lines file (gzip-compressed when its name ends in .gz).</summary>
    /// <exception cref="DatasetFormatException">A line is not a JSON object with a non-empty text field; the message names file and line.</exception>
    public static IReadOnlyList<string> LoadTexts(string path, string textField) =>
        [.. DatasetFiles.ReadJsonLines(path).Select(p => Field(path, p.LineNumber, p.Object, textField))];

    /// <summary>Reads one JSON Lines file of a task.</summary>
    public static IReadOnlyList<TextExample> LoadPart(string path, string textField, string labelField)
    {
        var examples = new List<TextExample>();
        foreach (var (line, obj) in DatasetFiles.ReadJsonLines(path))
        {
            string text = Field(path, line, obj, textField);
            string label = Field(path, line, obj, labelField);
            examples.Add(new TextExample(text, label));
        }
        return examples;
    }

    private static string Field(string path, int line, JsonElement obj, string name)
    {
        if (obj.ValueKind != JsonValueKind.Object || !obj.TryGetProperty(name, out var value))
            throw new DatasetFormatException(path, line, null, $"the object has no \"{name}\" field.");
        string? s = value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        };
        if (string.IsNullOrWhiteSpace(s)) throw new DatasetFormatException(path, line, null, $"the \"{name}\" field is empty or not a string.");
        return s;
    }

    private static int CheckSplit(int k) => k is >= 0 and < SplitCount ? k : throw new ArgumentOutOfRangeException(nameof(k), k, $"FewCLUE has splits 0 to {SplitCount - 1}.");
}
