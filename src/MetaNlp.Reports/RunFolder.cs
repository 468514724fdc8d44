using MetaNlp.Models;
using MetaNlp.Training;

namespace MetaNlp.Reports;

/// <summary>
/// A training run's output folder as <c>metanlp train --out DIR</c> leaves it: the best model
/// (<see cref="MetaTrainer.ModelFileName"/>), the resumable state with its history
/// (<see cref="MetaTrainer.StateFileName"/>) and the metrics (<see cref="MetricsLog.FileName"/>). Only the headers of
/// the checkpoints are read, never their weights.
/// </summary>
public sealed class RunFolder
{
    private RunFolder(string directory, CheckpointHeader header, string? modelPath, string? statePath)
    {
        Directory = directory;
        Spec = header.Spec;
        Progress = header.Progress;
        ModelPath = modelPath;
        StatePath = statePath;
    }

    /// <summary>The folder's full path.</summary>
    public string Directory { get; }

    /// <summary>The run's model spec: algorithm, encoder, tokenizer and how it was trained.</summary>
    public ModelSpec Spec { get; }

    /// <summary>Where training stands, with its validation history; null when the folder holds only a model.</summary>
    public TrainingProgress? Progress { get; }

    /// <summary>The best model's checkpoint, if the folder has one.</summary>
    public string? ModelPath { get; }

    /// <summary>The training state's checkpoint, if the folder has one.</summary>
    public string? StatePath { get; }

    /// <summary>The metrics file's path (it may not exist: a run without validations or losses yet).</summary>
    public string MetricsPath => Path.Combine(Directory, MetricsLog.FileName);

    /// <summary>Opens a run folder; the settings and history come from the training state when there is one, else from the model.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist; the message names it.</exception>
    /// <exception cref="InvalidDataException">The folder holds neither checkpoint, or a checkpoint's header is damaged; the message names it.</exception>
    public static RunFolder Open(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        string full = Path.GetFullPath(directory);
        if (!System.IO.Directory.Exists(full))
            throw new DirectoryNotFoundException(File.Exists(full) ? $"'{directory}' is a file, not a run folder (give the folder `metanlp train --out` wrote)." : $"The run folder '{directory}' does not exist.");
        string? model = Existing(Path.Combine(full, MetaTrainer.ModelFileName)), state = Existing(Path.Combine(full, MetaTrainer.StateFileName));
        if (model is null && state is null)
            throw new InvalidDataException($"'{directory}' is not a training run folder: it has neither {MetaTrainer.ModelFileName} nor {MetaTrainer.StateFileName} (the folder `metanlp train --out` writes).");
        string source = state ?? model!;
        CheckpointHeader header;
        try
        {
            header = Checkpoint.ReadHeader(source);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or System.Text.Json.JsonException or EndOfStreamException)
        {
            throw new InvalidDataException($"{source}: the checkpoint's header cannot be read ({e.Message}).", e);
        }
        return new RunFolder(full, header, model, state);
    }

    private static string? Existing(string path) => File.Exists(path) ? path : null;
}
