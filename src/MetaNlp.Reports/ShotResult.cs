using System.Text.Json;
using System.Text.Json.Nodes;

namespace MetaNlp.Reports;

/// <summary>
/// One evaluation at one number of shots: the mean episode accuracy and its 95% interval (fractions), with the
/// dataset, classes and ways it was measured on and the file it came from.
/// </summary>
public sealed record ShotResult(int Shots, double Accuracy, double Ci95, int? Ways, string? Dataset, string? Classes, string Source)
{
    /// <summary>
    /// Reads the JSON that <c>metanlp eval --json</c> prints for an episodic evaluation (fields <c>shots</c>,
    /// <c>accuracy</c> and <c>ci95</c> in percent, and <c>ways</c>, <c>dataset</c>, <c>classes</c>).
    /// </summary>
    /// <exception cref="InvalidDataException">The file is not such a result; the message names it and the missing field.</exception>
    public static ShotResult ReadEvalJson(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"The evaluation file '{path}' does not exist.", path);
        JsonObject? json;
        try
        {
            // `metanlp eval --json > F` leaves one object; tolerate notes before it by taking the last non-empty line.
            string text = File.ReadAllText(path).Trim();
            json = (JsonNode.Parse(text.StartsWith('{') ? text : text.Split('\n')[^1]) as JsonObject);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not JSON ({e.Message}); give the output of `metanlp eval --json`.", e);
        }
        if (json is null) throw new InvalidDataException($"{path}: not a JSON object; give the output of `metanlp eval --json`.");
        try
        {
            double Field(string name) => json[name]?.GetValue<double>() ?? throw new InvalidDataException(
                $"{path}: no \"{name}\" field; an episodic evaluation from `metanlp eval --json` has shots, accuracy and ci95.");
            int shots = (int)Field("shots");
            double accuracy = Field("accuracy") / 100, ci95 = Field("ci95") / 100;
            if (shots < 1 || accuracy is < 0 or > 1 || ci95 < 0 || !double.IsFinite(ci95))
                throw new InvalidDataException($"{path}: shots {shots}, accuracy {accuracy * 100}% or ci95 {ci95 * 100}% is out of range.");
            return new ShotResult(shots, accuracy, ci95, json["ways"]?.GetValue<int>(), json["dataset"]?.GetValue<string>(), json["classes"]?.GetValue<string>(), path);
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException)
        {
            throw new InvalidDataException($"{path}: a field has the wrong type ({e.Message}).", e);
        }
    }
}
