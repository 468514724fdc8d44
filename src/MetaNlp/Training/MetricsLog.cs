using MetaNlp.Models;
using System.Text;
using System.Text.Json.Nodes;

namespace MetaNlp.Training;

/// <summary>
/// The training metrics of a run as JSON lines (<see cref="FileName"/> in its output folder), for plots and for
/// watching a run from another terminal: one line per validation
/// (<c>{"episode":200,"trainLoss":0.41,"valAccuracy":0.781,"valCi95":0.012}</c>) and one per
/// <see cref="LossEvery"/> episodes with their mean training loss (<c>{"episode":50,"trainLoss":0.52}</c>). Each line
/// is flushed when written. A resumed run first drops the lines after the episode its saved state reached, so the
/// file never holds episodes twice.
/// </summary>
public sealed class MetricsLog : IDisposable
{
    /// <summary>The file name in a run's output folder.</summary>
    public const string FileName = "metrics.jsonl";

    private readonly string _path;
    private readonly long _resumedAt;
    private StreamWriter? _writer;
    private double _lossSum;
    private int _losses;
    private long _lastLossLine;

    /// <summary>
    /// The log of the run in <paramref name="outputDirectory"/>. Nothing is written until the first event, so a run
    /// that is refused before it starts (its folder holds another run) leaves that run's log as it was. Then a new
    /// run (<paramref name="resumedAt"/> 0) starts the file afresh and a resumed one keeps its lines up to episode
    /// <paramref name="resumedAt"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="lossEvery"/> is below 1 or <paramref name="resumedAt"/> negative.</exception>
    public MetricsLog(string outputDirectory, long resumedAt = 0, int lossEvery = 10)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outputDirectory);
        ArgumentOutOfRangeException.ThrowIfLessThan(lossEvery, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(resumedAt);
        _path = Path.Combine(outputDirectory, FileName);
        _resumedAt = resumedAt;
        _lastLossLine = resumedAt;
        LossEvery = lossEvery;
    }

    /// <summary>Episodes per training-loss line.</summary>
    public int LossEvery { get; }

    /// <summary>Records one event of <see cref="MetaTrainer.OnProgress"/>.</summary>
    public void Record(TrainingEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var writer = _writer ??= Start();
        if (e.Validation is { } v)
        {
            var line = new JsonObject { ["episode"] = v.Episode };
            if (v.TrainLoss is double loss) line["trainLoss"] = Round(loss);
            line["valAccuracy"] = Round(v.Accuracy);
            line["valCi95"] = Round(v.Ci95);
            writer.WriteLine(line.ToJsonString());
            return;
        }
        if (double.IsNaN(e.Loss)) return;
        _lossSum += e.Loss;
        _losses++;
        // A meta-batch moves several episodes at once, so a line is due when a multiple of LossEvery was passed.
        if (e.Episode / LossEvery <= _lastLossLine / LossEvery) return;
        writer.WriteLine(new JsonObject { ["episode"] = e.Episode, ["trainLoss"] = Round(_lossSum / _losses) }.ToJsonString());
        _lastLossLine = e.Episode;
        _lossSum = 0;
        _losses = 0;
    }

    private StreamWriter Start()
    {
        var kept = _resumedAt > 0 && File.Exists(_path) ? File.ReadLines(_path).Where(line => EpisodeOf(line) is long e && e <= _resumedAt).ToList() : [];
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        var writer = new StreamWriter(_path, append: false, new UTF8Encoding(false)) { AutoFlush = true };
        foreach (string line in kept) writer.WriteLine(line);
        return writer;
    }

    /// <summary>Closes the file.</summary>
    public void Dispose() => _writer?.Dispose();

    private static double Round(double value) => Math.Round(value, 6);

    // The episode of a line, or null for a line that is not one of ours (a torn last line of a killed run).
    private static long? EpisodeOf(string line)
    {
        try
        {
            return JsonNode.Parse(line)?["episode"]?.GetValue<long>();
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }
}
