using System.Text.Json;
using System.Text.Json.Nodes;
using MetaNlp.Algorithms;

namespace MetaNlp.Models;

/// <summary>One field in which two model specs differ: its JSON path (e.g. "encoder.fineTuneLayers") and both values.</summary>
public sealed record SpecChange(string Path, string Saved, string Requested);

/// <summary>
/// What a command asks for against what a saved run was started with, field by field, so a resumed run can refuse
/// to continue with other data, another split or other options (it would train the saved weights on something the
/// checkpoint does not record).
/// </summary>
public static class SpecChanges
{
    // Fields that record how far a run got, not what it was asked to do; the episode budget may be raised on resume.
    private static readonly HashSet<string> Progress = new(StringComparer.Ordinal)
    {
        "training.episodesTrained", "training.validationAccuracy", "training.savedAt", "training.trainer.maxEpisodes", "training.episodes",
    };

    /// <summary>Every leaf field (arrays compared whole) in which <paramref name="requested"/> differs from <paramref name="saved"/>.</summary>
    public static IReadOnlyList<SpecChange> Between(ModelSpec saved, ModelSpec requested)
    {
        ArgumentNullException.ThrowIfNull(saved);
        ArgumentNullException.ThrowIfNull(requested);
        var changes = new List<SpecChange>();
        Compare("", JsonSerializer.SerializeToNode(saved, LearnerRegistry.Json), JsonSerializer.SerializeToNode(requested, LearnerRegistry.Json), changes);
        return changes;
    }

    private static void Compare(string path, JsonNode? saved, JsonNode? requested, List<SpecChange> changes)
    {
        if (Progress.Contains(path)) return;
        if (saved is JsonObject a && requested is JsonObject b)
        {
            foreach (string key in a.Select(p => p.Key).Union(b.Select(p => p.Key)))
                Compare(path.Length == 0 ? key : $"{path}.{key}", a[key], b[key], changes);
            return;
        }
        if (!JsonNode.DeepEquals(saved, requested)) changes.Add(new SpecChange(path, Show(saved), Show(requested)));
    }

    // A value short enough for one line of an error message.
    private static string Show(JsonNode? value)
    {
        if (value is null) return "none";
        if (value is JsonArray { Count: > 8 } array) return $"{array.Count} items";
        string text = value.ToJsonString();
        return text.Length <= 120 ? text : text[..117] + "...";
    }
}
