using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using MetaNlp.Encoders;
using MetaNlp.Workarounds;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MetaNlp.Models;

/// <summary>
/// One-file checkpoints: a magic tag, a JSON header (the <see cref="ModelSpec"/> and, for training state, the
/// trainer's progress), then the module's weights and optionally the optimizer's state, then a trailer of 32 bytes:
/// the SHA-256 of everything before it. Every write goes to a temporary file in the same folder, is flushed to disk,
/// then renamed over the target, so a crash leaves either the old file or the new one, never half of one. Pretrained
/// weights that stay frozen (<see cref="TextEncoder.PretrainedFrozenNames"/>) are not stored: rebuilding the model
/// from its spec restores them.
/// <para>
/// Loading checks, before any weight is used, and each failure is an <see cref="InvalidDataException"/> naming the
/// file: the checksum (any changed, lost or added byte); every header field against its bounds
/// (<see cref="ModelSpec.Validate"/>, <see cref="TrainingProgress.Validate"/>), so a hand-edited header cannot make
/// LibTorch crash; and every weight and optimizer moment finite (no NaN or infinity). Checkpoints written before the
/// checksum existed (tag <c>METANLP-CKPT-1</c>) still load, with every check but the checksum; saving them again
/// (training on with --resume, or <see cref="SaveModel"/>) adds one.
/// </para>
/// </summary>
public static class Checkpoint
{
    private const string Magic = "METANLP-CKPT-2";
    private const string MagicWithoutChecksum = "METANLP-CKPT-1";
    private const int ChecksumBytes = SHA256.HashSizeInBytes;

    /// <summary>JSON settings of the header.</summary>
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = false,
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>
    /// Writes a model checkpoint (spec + weights) atomically; with <paramref name="support"/>, also the labelled
    /// examples a classifier was fitted to, in its header (<see cref="CheckpointHeader.Support"/>), so loading it gives the same classifier back. Readers
    /// that only want the model (<see cref="LoadModel"/>, <c>metanlp predict --model</c>) ignore them.
    /// </summary>
    /// <exception cref="ArgumentException">An example of <paramref name="support"/> has no visible text or label (<see cref="CheckpointHeader.ValidateSupport"/>).</exception>
    public static void SaveModel(string path, FewShotModel model, IReadOnlyList<Data.TextExample>? support = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var header = new CheckpointHeader { Spec = model.Spec, Support = support };
        header.ValidateSupport(); // what loading would refuse is not written
        Write(path, header, model.Learner.Module, optimizer: null);
    }

    /// <summary>Reads a model checkpoint and rebuilds the model with its weights.</summary>
    /// <exception cref="InvalidDataException">The file is not a MetaNlp checkpoint, is damaged (checksum), has a header out of bounds or non-finite weights; the message names it.</exception>
    public static FewShotModel LoadModel(string path) => Read(path, optimizerFactory: null).Model;

    /// <summary>Writes spec, trainer progress, weights and optimizer state atomically (for resuming).</summary>
    public static void SaveTrainingState(string path, FewShotModel model, TrainingProgress progress, OptimizerHelper optimizer) =>
        Write(path, new CheckpointHeader { Spec = model.Spec, Progress = progress }, model.Learner.Module, optimizer);

    /// <summary>Reads a training state: the model with its weights, the progress, and the optimizer rebuilt by <paramref name="optimizerFactory"/> with its saved state.</summary>
    public static (FewShotModel Model, TrainingProgress Progress, OptimizerHelper Optimizer) LoadTrainingState(string path, Func<FewShotModel, OptimizerHelper> optimizerFactory)
    {
        var (model, header, optimizer) = Read(path, optimizerFactory);
        if (header.Progress is null || optimizer is null) throw new InvalidDataException($"'{path}' is a model checkpoint, not a training state: it cannot resume training.");
        return (model, header.Progress, optimizer);
    }

    /// <summary>
    /// Reads only the JSON header (cheap: no weights are built, and the checksum, which needs the whole file, is not
    /// checked; <see cref="LoadModel"/> and <see cref="LoadTrainingState"/> check it). The header's fields are checked
    /// against their bounds.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is not a MetaNlp checkpoint or its header is damaged or out of bounds; the message names it.</exception>
    public static CheckpointHeader ReadHeader(string path)
    {
        using var stream = OpenChecked(path);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        ReadMagic(reader, path);
        return ReadHeader(reader, path);
    }

    /// <summary>
    /// Whether the checkpoint at <paramref name="path"/> carries a checksum, and if so checks it (reads the whole file).
    /// Returns false for a checkpoint written before checksums (<c>METANLP-CKPT-1</c>).
    /// </summary>
    /// <exception cref="InvalidDataException">The file is not a MetaNlp checkpoint or its content does not match its checksum.</exception>
    public static bool VerifyChecksum(string path)
    {
        using var stream = OpenChecked(path);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        bool hasChecksum = ReadMagic(reader, path);
        if (hasChecksum) VerifyChecksum(stream, path);
        return hasChecksum;
    }

    private static void Write(string path, CheckpointHeader header, nn.Module module, OptimizerHelper? optimizer)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        StaleTempFiles.Remove(full, ".tmp"); // left by a run killed while writing
        string temp = StaleTempFiles.NameFor(full, ".tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                using (var hashing = new HashingWriteStream(stream))
                {
                    using (var writer = new BinaryWriter(hashing, Encoding.UTF8, leaveOpen: true))
                    {
                        writer.Write(Magic);
                        writer.Write(JsonSerializer.Serialize(header, Json));
                        module.save(writer, NotStored(module));
                        writer.Write(optimizer is not null);
                        if (optimizer is not null) optimizer.save_state_dict(writer);
                        writer.Flush();
                    }
                    stream.Write(hashing.Checksum());
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
        bool hasChecksum = ReadMagic(reader, path);
        if (hasChecksum)
        {
            long afterMagic = stream.Position;
            VerifyChecksum(stream, path);
            stream.Position = afterMagic;
        }
        var header = ReadHeader(reader, path);
        try
        {
            var model = FewShotModel.Create(header.Spec);
            LoadWeights(model.Learner.Module, reader);
            RequireFinite(model.Learner.Module.state_dict(), path, "weight");
            OptimizerHelper? optimizer = null;
            if (reader.ReadBoolean() && optimizerFactory is not null)
            {
                optimizer = optimizerFactory(model);
                LoadOptimizerState(optimizer, reader, path);
                RequireFinite(OptimizerTensors(optimizer), path, "optimizer state");
            }
            return (model, header, optimizer);
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or ArgumentException or InvalidOperationException or JsonException or ExternalException)
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

    // Reads the magic tag; returns whether the file carries a checksum.
    private static bool ReadMagic(BinaryReader reader, string path)
    {
        string magic;
        try
        {
            magic = reader.ReadString();
        }
        catch (Exception e) when (e is EndOfStreamException or FormatException or DecoderFallbackException)
        {
            throw new InvalidDataException($"'{path}' is not a MetaNlp checkpoint: {e.Message}", e);
        }
        return magic switch
        {
            Magic => true,
            MagicWithoutChecksum => false,
            _ => throw new InvalidDataException($"'{path}' is not a MetaNlp checkpoint (wrong magic tag)."),
        };
    }

    // Hashes the file up to its trailer and compares with the trailer. Leaves the stream at its end.
    private static void VerifyChecksum(FileStream stream, string path)
    {
        long contentLength = stream.Length - ChecksumBytes;
        if (contentLength < stream.Position)
            throw new InvalidDataException($"Checkpoint '{path}' is damaged: it is too short to hold its checksum (truncated?).");
        stream.Position = 0;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 20];
        for (long left = contentLength; left > 0;)
        {
            int read = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
            if (read == 0) throw new InvalidDataException($"Checkpoint '{path}' is damaged: it ended while being read.");
            hash.AppendData(buffer, 0, read);
            left -= read;
        }
        Span<byte> saved = stackalloc byte[ChecksumBytes];
        stream.ReadExactly(saved);
        if (!CryptographicOperations.FixedTimeEquals(hash.GetHashAndReset(), saved))
            throw new InvalidDataException(
                $"Checkpoint '{path}' is damaged: its content does not match its SHA-256 checksum (the file was changed, truncated or corrupted after it was written). Use another copy or train again.");
    }

    private static CheckpointHeader ReadHeader(BinaryReader reader, string path)
    {
        CheckpointHeader header;
        try
        {
            header = JsonSerializer.Deserialize<CheckpointHeader>(reader.ReadString(), Json)
                ?? throw new InvalidDataException($"Checkpoint '{path}' has an empty header.");
        }
        catch (Exception e) when (e is EndOfStreamException or JsonException or FormatException or DecoderFallbackException)
        {
            throw new InvalidDataException($"'{path}' is not a MetaNlp checkpoint or its header is damaged: {e.Message}", e);
        }
        try
        {
            if (header.Spec is null) throw new ArgumentException("the header has no model spec.");
            header.Spec.Validate();
            header.Progress?.Validate();
            header.ValidateSupport();
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"Checkpoint '{path}' has a header outside the allowed bounds (damaged or edited): {OptionBounds.MessageOf(e)}", e);
        }
        return header;
    }

    // Refuses NaN and infinite values in floating-point tensors: a damaged file without a checksum, or weights that
    // diverged, would otherwise give NaN probabilities.
    private static void RequireFinite(IEnumerable<KeyValuePair<string, Tensor>> tensors, string path, string what)
    {
        foreach (var (name, tensor) in tensors)
        {
            if (tensor is null || !tensor.is_floating_point()) continue;
            using var scope = NewDisposeScope();
            if (!isfinite(tensor).all().item<bool>())
                throw new InvalidDataException($"Checkpoint '{path}' holds non-finite values (NaN or infinity) in {what} '{name}': it is damaged or was saved from a diverged run.");
        }
    }

    // The per-parameter tensors of the optimizers training uses (Adam's moments; plain SGD keeps none).
    private static IEnumerable<KeyValuePair<string, Tensor>> OptimizerTensors(OptimizerHelper optimizer)
    {
        var states = optimizer.state_dict().State;
        for (int i = 0; i < states.Count; i++)
        {
            if (states[i] is Adam.State adam)
            {
                yield return new($"exp_avg[{i}]", adam.exp_avg);
                yield return new($"exp_avg_sq[{i}]", adam.exp_avg_sq);
                if (adam.max_exp_avg_sq is { } max) yield return new($"max_exp_avg_sq[{i}]", max);
            }
        }
    }

    // A write-only stream that hashes what passes through it to the file.
    private sealed class HashingWriteStream(Stream inner) : Stream
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        public byte[] Checksum() => _hash.GetHashAndReset();

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            _hash.AppendData(buffer);
            inner.Write(buffer);
        }

        public override void WriteByte(byte value) => Write([value]);

        protected override void Dispose(bool disposing)
        {
            if (disposing) _hash.Dispose();
            base.Dispose(disposing);
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

    /// <summary>
    /// The labelled examples the saved classifier was fitted to (<c>FewShotClassifier.Save</c>), in their order;
    /// null in checkpoints of training runs and in those written before this field existed.
    /// </summary>
    public IReadOnlyList<Data.TextExample>? Support { get; init; }

    /// <summary>Most support examples a header may hold.</summary>
    public const int MaxSupportExamples = 1_000_000;

    /// <summary>Checks <see cref="Support"/>: at most <see cref="MaxSupportExamples"/> examples, each with a visible text and label.</summary>
    /// <exception cref="ArgumentException">An example is missing, blank, or there are too many; the message names it.</exception>
    public void ValidateSupport()
    {
        if (Support is null) return;
        OptionBounds.Check("Support examples", Support.Count, 0, MaxSupportExamples);
        for (int i = 0; i < Support.Count; i++)
        {
            if (Support[i] is not { } example) throw new ArgumentException($"Support example {i + 1} is null.", nameof(Support));
            Text.VisibleText.Require(example.Text, $"The text of support example {i + 1}", nameof(Support));
            Text.VisibleText.Require(example.Label, $"The label of support example {i + 1}", nameof(Support));
        }
    }
}
