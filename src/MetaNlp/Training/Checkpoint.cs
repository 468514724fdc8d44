using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using MetaNlp.Encoders;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MetaNlp.Training;

/// <summary>
/// One-file checkpoints: a magic tag, a JSON header (the <see cref="ModelSpec"/> and, for training state, the
/// trainer's progress), then the module's weights and optionally the optimizer's state. Every write goes to a
/// temporary file in the same folder, is flushed to disk, then renamed over the target, so a crash leaves either
/// the old file or the new one, never half of one. Pretrained weights that stay frozen
/// (<see cref="TextEncoder.PretrainedFrozenNames"/>) are not stored: rebuilding the model from its spec restores them.
/// </summary>
public static class Checkpoint
{
    private const string Magic = "METANLP-CKPT-1";

    /// <summary>JSON settings of the header.</summary>
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = false,
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Writes a model checkpoint (spec + weights) atomically.</summary>
    public static void SaveModel(string path, FewShotModel model) =>
        Write(path, new CheckpointHeader { Spec = model.Spec }, model.Learner.Model, optimizer: null);

    /// <summary>Reads a model checkpoint and rebuilds the model with its weights.</summary>
    /// <exception cref="InvalidDataException">The file is not a MetaNlp checkpoint or is damaged; the message names it.</exception>
    public static FewShotModel LoadModel(string path) => Read(path, optimizerFactory: null).Model;

    /// <summary>Writes spec, trainer progress, weights and optimizer state atomically (for resuming).</summary>
    public static void SaveTrainingState(string path, FewShotModel model, TrainingProgress progress, OptimizerHelper optimizer) =>
        Write(path, new CheckpointHeader { Spec = model.Spec, Progress = progress }, model.Learner.Model, optimizer);

    /// <summary>Reads a training state: the model with its weights, the progress, and the optimizer rebuilt by <paramref name="optimizerFactory"/> with its saved state.</summary>
    public static (FewShotModel Model, TrainingProgress Progress, OptimizerHelper Optimizer) LoadTrainingState(string path, Func<FewShotModel, OptimizerHelper> optimizerFactory)
    {
        var (model, header, optimizer) = Read(path, optimizerFactory);
        if (header.Progress is null || optimizer is null) throw new InvalidDataException($"'{path}' is a model checkpoint, not a training state: it cannot resume training.");
        return (model, header.Progress, optimizer);
    }

    /// <summary>Reads only the JSON header (cheap: no weights are built).</summary>
    public static CheckpointHeader ReadHeader(string path)
    {
        using var stream = OpenChecked(path);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        return ReadHeader(reader, path);
    }

    private static void Write(string path, CheckpointHeader header, nn.Module module, OptimizerHelper? optimizer)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string temp = $"{full}.{Environment.ProcessId}.tmp";
        try
        {
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
                {
                    writer.Write(Magic);
                    writer.Write(JsonSerializer.Serialize(header, Json));
                    module.save(writer, NotStored(module));
                    writer.Write(optimizer is not null);
                    if (optimizer is not null) optimizer.save_state_dict(writer);
                    writer.Flush();
                }
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    private static (FewShotModel Model, CheckpointHeader Header, OptimizerHelper? Optimizer) Read(string path, Func<FewShotModel, OptimizerHelper>? optimizerFactory)
    {
        using var stream = OpenChecked(path);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        var header = ReadHeader(reader, path);
        try
        {
            var model = FewShotModel.Create(header.Spec);
            LoadWeights(model.Learner.Model, reader);
            OptimizerHelper? optimizer = null;
            if (reader.ReadBoolean() && optimizerFactory is not null)
            {
                optimizer = optimizerFactory(model);
                LoadOptimizerState(optimizer, reader, path);
            }
            return (model, header, optimizer);
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or ArgumentException or InvalidOperationException)
        {
            throw new InvalidDataException($"Checkpoint '{path}' is damaged or does not match its header: {e.Message}", e);
        }
    }

    // TorchSharp names the optimizer's class in its state. States written before the Scalar-safe optimizers name
    // TorchSharp's Adam or SGD, whose state layout they share: load those through that class and hand the state over.
    private static void LoadOptimizerState(OptimizerHelper optimizer, BinaryReader reader, string path)
    {
        var start = reader.BaseStream.Position;
        var saved = reader.ReadString();
        reader.BaseStream.Position = start;
        if (saved == optimizer.GetType().Name)
        {
            optimizer.load_state_dict(reader);
            return;
        }
        using OptimizerHelper earlier = (saved, optimizer) switch
        {
            ("Adam", ScalarSafeAdam) => optim.Adam(optimizer.parameters()),
            ("SGD", ScalarSafeSgd) => optim.SGD(optimizer.parameters(), learningRate: 1e-3), // the saved options replace the rate
            _ => throw new InvalidDataException($"Checkpoint '{path}' holds the state of a {saved} optimizer, not of {optimizer.GetType().Name}."),
        };
        earlier.load_state_dict(reader);
        var (from, to) = (earlier.state_dict(), optimizer.state_dict());
        for (int i = 0; i < to.Options.Count; i++) to.Options[i].LoadStateDict(from.Options[i]);
        // Plain SGD keeps no per-parameter state (and TorchSharp's SGD state cannot copy an absent momentum buffer).
        if (optimizer is ScalarSafeAdam)
            for (int i = 0; i < to.State.Count; i++) to.State[i].LoadStateDict(from.State[i]);
    }

    private static void LoadWeights(nn.Module module, BinaryReader reader)
    {
        var notStored = NotStored(module);
        if (notStored.Count == 0)
        {
            module.load(reader, strict: true);
            return;
        }
        var loaded = new Dictionary<string, bool>();
        module.load(reader, strict: false, loadedParameters: loaded);
        var missing = module.state_dict().Keys.Except(notStored).Where(k => !loaded.ContainsKey(k)).ToList();
        var unknown = loaded.Where(p => !p.Value).Select(p => p.Key).ToList();
        if (missing.Count > 0 || unknown.Count > 0)
            throw new InvalidOperationException($"The weights do not match the model: missing {string.Join(", ", missing)}; unknown {string.Join(", ", unknown)}.");
    }

    // Names (in the module's state dictionary) of the frozen pretrained weights of every encoder inside the module.
    private static List<string> NotStored(nn.Module module)
    {
        var names = new List<string>();
        if (module is TextEncoder own) names.AddRange(own.PretrainedFrozenNames);
        foreach (var (name, child) in module.named_modules())
        {
            if (name.Length > 0 && child is TextEncoder encoder) names.AddRange(encoder.PretrainedFrozenNames.Select(n => $"{name}.{n}"));
        }
        return names;
    }

    private static FileStream OpenChecked(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"No checkpoint at '{path}'.", path);
        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
    }

    private static CheckpointHeader ReadHeader(BinaryReader reader, string path)
    {
        try
        {
            if (reader.ReadString() != Magic) throw new InvalidDataException($"'{path}' is not a MetaNlp checkpoint (wrong magic tag).");
            return JsonSerializer.Deserialize<CheckpointHeader>(reader.ReadString(), Json)
                ?? throw new InvalidDataException($"Checkpoint '{path}' has an empty header.");
        }
        catch (Exception e) when (e is EndOfStreamException or JsonException or FormatException)
        {
            throw new InvalidDataException($"'{path}' is not a MetaNlp checkpoint or its header is damaged: {e.Message}", e);
        }
    }
}

/// <summary>The JSON header of a checkpoint.</summary>
public sealed record CheckpointHeader
{
    /// <summary>The model spec.</summary>
    public required ModelSpec Spec { get; init; }

    /// <summary>Trainer progress; present in training states only.</summary>
    public TrainingProgress? Progress { get; init; }
}
