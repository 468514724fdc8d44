using System.Text;
using System.Text.Json;
using MetaNlp.Text;

namespace MetaNlp.Data;

/// <summary>
/// Label-semantic support (LaSAML, Luo et al. 2021; the relation descriptions of SimpleFSRE, Liu et al. 2022): what each
/// class label says in words, read by the encoder as one more support example of its class, so that a 1-shot prototype
/// rests on two texts, the example and the label. A label's text is its entry in <see cref="Names"/> (FewRel's
/// relation names, HuffPost's category names), else the label itself with its separators made spaces
/// ("card_arrival" reads "card arrival"); a label without a letter ("3") has none, and an episode or support set with
/// such a label is left as it is (every class gains a text, or none does, so classes stay balanced).
/// </summary>
public sealed record LabelTexts
{
    /// <summary>Most entries in <see cref="Names"/>.</summary>
    public const int MaxNames = 100_000;

    /// <summary>Longest text of one entry, in characters.</summary>
    public const int MaxNameLength = 1_000;

    /// <summary>Most support examples one label text may count as (<see cref="Weight"/>).</summary>
    public const int MaxWeight = 20;

    /// <summary>
    /// How many support examples each label text counts as: the text joins its class this many times, so a prototype
    /// weighs it as that many examples and a support-set loss counts it that many times. 1 by default. 2 scored best on
    /// HuffPost (trained: 69.18 against 67.21 at one shot, 73.72 against 72.67 at five) and on FewRel frozen, while on
    /// the intent sets it lost 0.3 to 0.6 and more than 3 helped nowhere (docs/BENCHMARKS.md, label texts), so the
    /// recipes declare it per dataset.
    /// </summary>
    public int Weight { get; init; } = 1;

    /// <summary>Text of each label that does not say itself what it is (a relation id, a category number); may be empty.</summary>
    public IReadOnlyDictionary<string, string> Names { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>The text of <paramref name="label"/>, or null when it has none.</summary>
    public string? Describe(string label)
    {
        ArgumentNullException.ThrowIfNull(label);
        if (Names.TryGetValue(label, out var name) && !VisibleText.IsBlank(name)) return name;
        return label.Any(char.IsLetter) ? Humanize(label) : null;
    }

    /// <summary>
    /// The label as words: underscores, hyphens, dots, slashes and colons become spaces, lower-to-upper case changes
    /// split words ("cardArrival" reads "card Arrival"), runs of spaces become one.
    /// </summary>
    public static string Humanize(string label)
    {
        ArgumentNullException.ThrowIfNull(label);
        var sb = new StringBuilder(label.Length + 4);
        for (int i = 0; i < label.Length; i++)
        {
            char c = label[i];
            if (c is '_' or '-' or '.' or '/' or ':') c = ' ';
            else if (i > 0 && char.IsUpper(c) && char.IsLower(label[i - 1])) sb.Append(' ');
            if (c == ' ' && (sb.Length == 0 || sb[^1] == ' ')) continue;
            sb.Append(c);
        }
        return sb.ToString().TrimEnd();
    }

    /// <summary>
    /// <paramref name="support"/> followed by <see cref="Weight"/> examples per distinct label (labels in order of first
    /// appearance) whose text is the label's; <paramref name="support"/> itself when some label has no text.
    /// </summary>
    public IReadOnlyList<TextExample> Augment(IReadOnlyList<TextExample> support)
    {
        ArgumentNullException.ThrowIfNull(support);
        var added = new List<TextExample>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var example in support)
        {
            if (!seen.Add(example.Label)) continue;
            if (Describe(example.Label) is not { } text) return support;
            added.AddRange(Enumerable.Repeat(new TextExample(text, example.Label), Weight));
        }
        return [.. support, .. added];
    }

    /// <summary>The episode with its support augmented (<see cref="Augment(IReadOnlyList{TextExample})"/>); its queries unchanged.</summary>
    public Episode Augment(Episode episode)
    {
        ArgumentNullException.ThrowIfNull(episode);
        var support = Augment(episode.Support);
        return ReferenceEquals(support, episode.Support) ? episode : new Episode(episode.Classes, support, episode.Query);
    }

    /// <summary>
    /// Reads the texts of labels from a JSON object file, {"label": "text", ...} (a user's descriptions of label codes:
    /// {"Q12": "refund for a cancelled order"}), checked as <see cref="Validate"/> does.
    /// </summary>
    /// <exception cref="DatasetFormatException">The file is missing, is not a JSON object, or a value is not a non-empty string of at most <see cref="MaxNameLength"/> characters; the message names the file and the label.</exception>
    public static IReadOnlyDictionary<string, string> ReadNames(string path)
    {
        using var doc = DatasetFiles.ParseJsonFile(path);
        if (doc.RootElement.ValueKind != JsonValueKind.Object)
            throw new DatasetFormatException(path, null, null, $"expected a JSON object of label texts ({{\"label\": \"text\"}}) but found {DatasetFiles.Describe(doc.RootElement.ValueKind)}.");
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in doc.RootElement.EnumerateObject())
        {
            if (p.Value.ValueKind != JsonValueKind.String)
                throw new DatasetFormatException(path, null, p.Name, $"expected the label's text as a string but found {DatasetFiles.Describe(p.Value.ValueKind)}.");
            string text = p.Value.GetString()!;
            if (VisibleText.IsBlank(text)) throw new DatasetFormatException(path, null, p.Name, "the label's text is empty.");
            if (text.Length > MaxNameLength) throw new DatasetFormatException(path, null, p.Name, $"the label's text has {text.Length} characters; at most {MaxNameLength}.");
            if (!names.TryAdd(p.Name, text)) throw new DatasetFormatException(path, null, p.Name, "the label appears twice.");
        }
        if (names.Count > MaxNames) throw new DatasetFormatException(path, null, null, $"the file has {names.Count} labels; at most {MaxNames}.");
        return names;
    }

    /// <summary>
    /// Checks the names (at most <see cref="MaxNames"/>, none empty or longer than <see cref="MaxNameLength"/>
    /// characters) and the weight (1 to <see cref="MaxWeight"/>).
    /// </summary>
    /// <exception cref="ArgumentException">A name is empty, too long, or there are too many, or the weight is out of bounds; the message says which.</exception>
    public void Validate()
    {
        if (Names is null) throw new ArgumentException("Label texts need a names table (it may be empty).", nameof(Names));
        OptionBounds.Check("Label text weight", Weight, 1, MaxWeight);
        OptionBounds.Check("Label names", Names.Count, 0, MaxNames);
        foreach (var (label, name) in Names)
        {
            if (VisibleText.IsBlank(name)) throw new ArgumentException($"The text of label '{label}' is empty.", nameof(Names));
            if (name.Length > MaxNameLength) throw new ArgumentException($"The text of label '{label}' has {name.Length} characters; at most {MaxNameLength}.", nameof(Names));
        }
    }
}
