using System.Text;
using System.Text.Json;
using MetaNlp.Text;

namespace MetaNlp.Data;

/// <summary>
/// Loads FewRel 1.0 files (<c>val_wiki.json</c>: {"P177": [{"tokens", "h", "t"}, ...], ...}) as the part "all".
/// The label is the relation id; the text is the tokens joined by single spaces with <see cref="EntityMarkers"/>
/// around the head and tail (first occurrence); <see cref="TextExample.Head"/>/<see cref="TextExample.Tail"/> are
/// half-open spans over the original token positions.
/// </summary>
public static class FewRelLoader
{
    /// <summary>The file name inside the dataset folder.</summary>
    public const string FileName = "val_wiki.json";

    /// <summary>The relation-name file inside the dataset folder.</summary>
    public const string NamesFileName = "pid2name.json";

    /// <summary>Loads <c>val_wiki.json</c> from <paramref name="folder"/>.</summary>
    public static TextDataset Load(string folder) => LoadFile(Path.Combine(folder, FileName));

    /// <summary>Loads any file in the FewRel layout.</summary>
    public static TextDataset LoadFile(string path)
    {
        using var doc = DatasetFiles.ParseJsonFile(path);
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
            throw new DatasetFormatException(path, null, null, $"expected a JSON object mapping relation ids to instance lists but found {DatasetFiles.Describe(root.ValueKind)}.");
        var examples = new List<TextExample>();
        foreach (var relation in root.EnumerateObject())
        {
            if (relation.Value.ValueKind != JsonValueKind.Array)
                throw new DatasetFormatException(path, null, relation.Name, $"expected an array of instances but found {DatasetFiles.Describe(relation.Value.ValueKind)}.");
            int index = 0;
            foreach (var instance in relation.Value.EnumerateArray())
            {
                examples.Add(ReadInstance(instance, relation.Name, path, $"{relation.Name}[{index}]"));
                index++;
            }
        }
        if (examples.Count == 0) throw new DatasetFormatException(path, null, null, "the file has no instances.");
        return new TextDataset("fewrel", examples);
    }

    /// <summary>
    /// What each relation is, from <c>pid2name.json</c> ({"P177": [name, description]}): "name: description"
    /// ("crosses: obstacle (body of water, road, ...) which this bridge crosses over or this tunnel goes under"), the name alone where Wikidata
    /// defines no description; empty when the file is absent. Read as label texts (<see cref="LabelTexts"/>): with the
    /// description, 67.31 against 66.21 with the name alone on the frozen encoder at 5-way 1-shot (docs/BENCHMARKS.md).
    /// </summary>
    public static IReadOnlyDictionary<string, string> RelationTexts(string folder)
    {
        var path = Path.Combine(folder, NamesFileName);
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!File.Exists(path)) return names;
        using var doc = DatasetFiles.ParseJsonFile(path);
        if (doc.RootElement.ValueKind != JsonValueKind.Object) return names;
        foreach (var p in doc.RootElement.EnumerateObject())
        {
            if (p.Value.ValueKind != JsonValueKind.Array || p.Value.GetArrayLength() == 0 || p.Value[0].ValueKind != JsonValueKind.String) continue;
            string name = p.Value[0].GetString()!;
            string? description = p.Value.GetArrayLength() > 1 && p.Value[1].ValueKind == JsonValueKind.String ? p.Value[1].GetString() : null;
            names[p.Name] = string.IsNullOrWhiteSpace(description) || description == NoDescription ? name : $"{name}: {description}";
        }
        return names;
    }

    // Wikidata's placeholder for a property without a description.
    private const string NoDescription = "No description defined";

    /// <summary>
    /// Joins <paramref name="tokens"/> by single spaces with the entity markers inserted around
    /// <paramref name="head"/> and <paramref name="tail"/>. Adjacent spans close before they open; nested or
    /// identical spans nest (outer opens first, inner closes first); crossing spans keep each marker at its
    /// own span boundary.
    /// </summary>
    public static string MarkEntities(IReadOnlyList<string> tokens, TokenSpan head, TokenSpan tail)
    {
        var spans = new[] { (Span: head, Open: EntityMarkers.HeadStart, Close: EntityMarkers.HeadEnd, Order: 0),
                            (Span: tail, Open: EntityMarkers.TailStart, Close: EntityMarkers.TailEnd, Order: 1) };
        var sb = new StringBuilder();
        void Append(string s)
        {
            if (sb.Length > 0) sb.Append(' ');
            sb.Append(s);
        }
        for (int p = 0; p <= tokens.Count; p++)
        {
            // Closings at boundary p: the span that opened later (inner) closes first.
            foreach (var s in spans.Where(s => s.Span.End == p && s.Span.Start < p)
                                   .OrderByDescending(s => s.Span.Start).ThenByDescending(s => s.Order))
                Append(s.Close);
            // An empty span (not produced by the loader) opens and closes at once.
            foreach (var s in spans.Where(s => s.Span.Start == p && s.Span.End == p).OrderBy(s => s.Order))
            {
                Append(s.Open);
                Append(s.Close);
            }
            // Openings at boundary p: the span that closes later (outer) opens first.
            foreach (var s in spans.Where(s => s.Span.Start == p && s.Span.End > p)
                                   .OrderByDescending(s => s.Span.End).ThenBy(s => s.Order))
                Append(s.Open);
            if (p < tokens.Count) Append(tokens[p]);
        }
        return sb.ToString();
    }

    private static TextExample ReadInstance(JsonElement instance, string relation, string path, string where)
    {
        if (instance.ValueKind != JsonValueKind.Object)
            throw new DatasetFormatException(path, null, where, $"expected an instance object but found {DatasetFiles.Describe(instance.ValueKind)}.");
        if (!instance.TryGetProperty("tokens", out var tokensElement) || tokensElement.ValueKind != JsonValueKind.Array)
            throw new DatasetFormatException(path, null, where + ".tokens", "expected an array of token strings.");
        var tokens = new List<string>(tokensElement.GetArrayLength());
        foreach (var t in tokensElement.EnumerateArray())
        {
            if (t.ValueKind != JsonValueKind.String)
                throw new DatasetFormatException(path, null, where + ".tokens", $"token {tokens.Count} is {DatasetFiles.Describe(t.ValueKind)}, not a string.");
            tokens.Add(t.GetString()!);
        }
        if (tokens.Count == 0) throw new DatasetFormatException(path, null, where + ".tokens", "the token list is empty.");
        var head = ReadSpan(instance, "h", tokens.Count, path, where);
        var tail = ReadSpan(instance, "t", tokens.Count, path, where);
        return new TextExample(MarkEntities(tokens, head, tail), relation) { Head = head, Tail = tail };
    }

    private static TokenSpan ReadSpan(JsonElement instance, string key, int tokenCount, string path, string where)
    {
        var field = $"{where}.{key}";
        if (!instance.TryGetProperty(key, out var entity) || entity.ValueKind != JsonValueKind.Array || entity.GetArrayLength() < 3)
            throw new DatasetFormatException(path, null, field, "expected [name, id, [[token positions], ...]].");
        var occurrences = entity[2];
        if (occurrences.ValueKind != JsonValueKind.Array || occurrences.GetArrayLength() == 0
            || occurrences[0].ValueKind != JsonValueKind.Array || occurrences[0].GetArrayLength() == 0)
            throw new DatasetFormatException(path, null, field, "the position list must hold at least one non-empty list of token indices.");
        int min = int.MaxValue, max = int.MinValue;
        foreach (var pos in occurrences[0].EnumerateArray())
        {
            if (pos.ValueKind != JsonValueKind.Number || !pos.TryGetInt32(out int i) || i < 0 || i >= tokenCount)
                throw new DatasetFormatException(path, null, field, $"token position {pos.GetRawText()} is not an index into the {tokenCount} tokens.");
            min = Math.Min(min, i);
            max = Math.Max(max, i);
        }
        return new TokenSpan(min, max + 1);
    }
}
