using System.Text.Json;
using System.Text.Json.Nodes;
using MetaNlp.Models;
using MetaNlp.Training;

namespace MetaNlp.Reports;

/// <summary>One point of a learning curve's training loss: the mean loss of the episodes before <paramref name="Episode"/>.</summary>
public sealed record LossPoint(long Episode, double Loss);

/// <summary>
/// The data of a run's learning curves, read from its <see cref="MetricsLog"/> file: the training loss (the
/// lines written every few episodes, or, where the run wrote none, the mean loss each validation reports) and every
/// validation with its 95% interval (the same points as the training state's
/// <see cref="TrainingProgress.History"/>, to the file's six decimals).
/// </summary>
public sealed record LearningCurve(IReadOnlyList<LossPoint> Loss, IReadOnlyList<ValidationPoint> Validation)
{
    /// <summary>Whether there is nothing to draw.</summary>
    public bool IsEmpty => Loss.Count == 0 && Validation.Count == 0;

    /// <summary>
    /// Reads a metrics file. A last line that does not parse is skipped (a run killed while writing it, or one still
    /// writing); any other such line is an error.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">A line other than the last is not a metrics line; the message names the file and line.</exception>
    public static LearningCurve Read(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"The metrics file '{path}' does not exist.", path);
        string[] lines;
        // The trainer may be appending: share the file for writing while it is read.
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        using (var reader = new StreamReader(stream))
            lines = reader.ReadToEnd().Split('\n');
        var losses = new List<LossPoint>();
        var validations = new List<ValidationPoint>();
        int last = Array.FindLastIndex(lines, l => l.Trim().Length > 0);
        for (int i = 0; i <= last; i++)
        {
            if (lines[i].Trim().Length == 0) continue;
            JsonObject? line;
            try
            {
                line = JsonNode.Parse(lines[i]) as JsonObject;
                if (line?["episode"] is null) line = null;
            }
            catch (JsonException)
            {
                line = null;
            }
            if (line is null)
            {
                if (i == last) break;
                throw new InvalidDataException($"{path}, line {i + 1}: not a metrics line (a JSON object with an \"episode\").");
            }
            try
            {
                long episode = line["episode"]!.GetValue<long>();
                double? loss = line["trainLoss"]?.GetValue<double>();
                if (line["valAccuracy"] is { } accuracy)
                    validations.Add(new ValidationPoint(episode, loss, accuracy.GetValue<double>(), line["valCi95"]?.GetValue<double>() ?? 0));
                else if (loss is double l)
                    losses.Add(new LossPoint(episode, l));
            }
            catch (Exception e) when (e is FormatException or InvalidOperationException)
            {
                throw new InvalidDataException($"{path}, line {i + 1}: a field has the wrong type ({e.Message}).", e);
            }
        }
        if (losses.Count == 0)
            losses.AddRange(validations.Where(v => v.TrainLoss is not null).Select(v => new LossPoint(v.Episode, v.TrainLoss!.Value)));
        return new LearningCurve(losses, validations);
    }
}
