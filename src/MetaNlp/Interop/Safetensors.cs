using System.Text;
using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace MetaNlp.Interop;

/// <summary>
/// Writes safetensors files (<see cref="SafetensorsFile"/> reads them): the header lists the tensors in the order
/// given, their data follow in that order with no gaps, and the header is padded with spaces to a multiple of 8 bytes
/// so every tensor starts 8-byte aligned, as the reference writer does. The file is written to a temporary name
/// beside the target, flushed to disk and renamed over it, so a crash leaves the old file or the new one.
/// </summary>
public static class Safetensors
{
    /// <summary>The metadata Hugging Face's loaders expect of PyTorch weights (<c>transformers</c> refuses a file without a format).</summary>
    public static IReadOnlyDictionary<string, string> PyTorchFormat { get; } = new Dictionary<string, string> { ["format"] = "pt" };

    /// <summary>Writes named tensors (any device; copied to the CPU) and optional string metadata to <paramref name="path"/>.</summary>
    /// <param name="path">The file to write (replaced when it exists).</param>
    /// <param name="tensors">Name and tensor, in the order to write them; names must be distinct, non-empty and not <c>__metadata__</c>.</param>
    /// <param name="metadata">Strings for the header's <c>__metadata__</c>; null for <see cref="PyTorchFormat"/>.</param>
    /// <exception cref="ArgumentException">A name is empty, repeated or reserved, or a tensor's element type has no safetensors dtype.</exception>
    public static void Write(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(tensors);
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("safetensors data are little-endian; this platform is not.");
        var list = tensors.ToList();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, tensor) in list)
        {
            if (string.IsNullOrEmpty(name) || name == SafetensorsFile.MetadataKey) throw new ArgumentException($"'{name}' cannot name a tensor in a safetensors file.", nameof(tensors));
            if (!names.Add(name)) throw new ArgumentException($"Two tensors are named '{name}'.", nameof(tensors));
            ArgumentNullException.ThrowIfNull(tensor, name);
            SafetensorsDType.NameOf(tensor.dtype);
        }
        byte[] header = Header(list, metadata ?? PyTorchFormat);

        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        StaleTempFiles.Remove(full, ".tmp");
        string temp = StaleTempFiles.NameFor(full, ".tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                Span<byte> length = stackalloc byte[8];
                System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
                stream.Write(length);
                stream.Write(header);
                foreach (var (_, tensor) in list)
                {
                    if (tensor.numel() == 0) continue;
                    using var scope = NewDisposeScope();
                    using var noGrad = no_grad();
                    var data = tensor.detach().cpu().contiguous();
                    stream.Write(data.bytes);
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

    // The JSON header, padded with spaces to a multiple of 8 bytes (the data after the 8-byte length then start aligned).
    private static byte[] Header(List<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (metadata.Count > 0)
            {
                json.WriteStartObject(SafetensorsFile.MetadataKey);
                foreach (var (key, value) in metadata) json.WriteString(key, value);
                json.WriteEndObject();
            }
            long offset = 0;
            foreach (var (name, tensor) in tensors)
            {
                string dtype = SafetensorsDType.NameOf(tensor.dtype);
                long bytes = tensor.numel() * SafetensorsDType.SizeOf(dtype);
                json.WriteStartObject(name);
                json.WriteString("dtype", dtype);
                json.WriteStartArray("shape");
                foreach (long d in tensor.shape) json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + bytes);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += bytes;
            }
            json.WriteEndObject();
        }
        int padding = (int)((8 - buffer.Length % 8) % 8);
        buffer.Write(Encoding.ASCII.GetBytes(new string(' ', padding)));
        return buffer.ToArray();
    }
}
