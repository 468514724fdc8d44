namespace MetaNlp.Data;

/// <summary>
/// One N-way K-shot task. Class i of <see cref="Classes"/> has label index i; <see cref="SupportLabels"/> and
/// <see cref="QueryLabels"/> give each example's index, so learners never depend on the class names.
/// </summary>
public sealed record Episode(IReadOnlyList<string> Classes, IReadOnlyList<TextExample> Support, IReadOnlyList<TextExample> Query)
{
    /// <summary>Label index of each support example.</summary>
    public IReadOnlyList<int> SupportLabels { get; } = IndexLabels(Classes, Support);

    /// <summary>Label index of each query example.</summary>
    public IReadOnlyList<int> QueryLabels { get; } = IndexLabels(Classes, Query);

    /// <summary>Number of classes (N).</summary>
    public int Ways => Classes.Count;

    private static int[] IndexLabels(IReadOnlyList<string> classes, IReadOnlyList<TextExample> examples)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < classes.Count; i++)
        {
            if (!index.TryAdd(classes[i], i)) throw new ArgumentException($"Class '{classes[i]}' appears twice in the episode.");
        }
        return examples.Select(e => index.TryGetValue(e.Label, out var i)
            ? i
            : throw new ArgumentException($"Example label '{e.Label}' is not one of the episode's classes.")).ToArray();
    }
}
