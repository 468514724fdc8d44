using System.Text;
using System.Text.Json;
using Microsoft.Win32.SafeHandles;
using TorchSharp;
using static TorchSharp.torch;

namespace MetaNlp.Interop;

/// <summary>One tensor's entry in a safetensors header: its dtype name, shape and byte range in the data section.</summary>
/// <param name="Name">The tensor's name.</param>
/// <param name="DType">The safetensors dtype ("F32", "I64", ...).</param>
/// <param name="Shape">The shape, outermost dimension first (row-major data).</param>
/// <param name="Begin">First byte in the data section (which starts right after the header).</param>
/// <param name="End">One past the last byte in the data section.</param>
public sealed record SafetensorsEntry(string Name, string DType, IReadOnlyList<long> Shape, long Begin, long End);

/// <summary>
/// A safetensors file open for reading (Hugging Face's format, written by <c>safetensors.torch.save_file</c>): 8 bytes
/// of little-endian unsigned header length N, N bytes of a UTF-8 JSON object that maps each tensor's name to its
/// <c>dtype</c>, <c>shape</c> and <c>data_offsets</c> [begin, end] (relative to the byte after the header), with an
/// optional <c>__metadata__</c> object of strings, then the tensors' raw little-endian bytes. The whole header is
/// checked when the file is opened, as the reference implementation checks it: a header longer than the file or than
/// <see cref="MaxHeaderBytes"/>, JSON that is not such an object, an unknown dtype, a byte range whose length is not
/// the shape's element count times the dtype's size, and byte ranges that overlap, leave a gap or do not end where the
/// file ends are each an <see cref="InvalidDataException"/> that names the file (and the tensor). Tensors are read
/// one at a time (<see cref="Read"/>), so a large file is never held in memory whole.
/// </summary>
public sealed class SafetensorsFile : IDisposable
{
    /// <summary>Largest header read (the reference implementation's bound): 100,000,000 bytes.</summary>
    public const long MaxHeaderBytes = 100_000_000;

    /// <summary>The header key of the optional string-to-string metadata.</summary>
    public const string MetadataKey = "__metadata__";

    private readonly SafeFileHandle _handle;
    private readonly long _dataStart;
    private readonly Dictionary<string, SafetensorsEntry> _byName;

    private SafetensorsFile(string path, SafeFileHandle handle, long dataStart, List<SafetensorsEntry> entries, Dictionary<string, string> metadata)
    {
        Path = path;
        _handle = handle;
        _dataStart = dataStart;
        Entries = entries;
        Metadata = metadata;
        _byName = entries.ToDictionary(e => e.Name, StringComparer.Ordinal);
    }

    /// <summary>The file's path, as given to <see cref="Open"/>.</summary>
    public string Path { get; }

    /// <summary>The tensors' entries in the order of their data.</summary>
    public IReadOnlyList<SafetensorsEntry> Entries { get; }

    /// <summary>The <c>__metadata__</c> strings (empty when the file has none).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Whether the file holds a tensor of that name.</summary>
    public bool Contains(string name) => _byName.ContainsKey(name);

    /// <summary>The entry of a tensor.</summary>
    /// <exception cref="InvalidDataException">The file has no such tensor; the message names both.</exception>
    public SafetensorsEntry Entry(string name) =>
        _byName.TryGetValue(name, out var entry) ? entry : throw new InvalidDataException($"'{Path}' has no tensor '{name}'.");

    /// <summary>Opens a file and checks its header (see the class summary).</summary>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    /// <exception cref="InvalidDataException">The file is not a well-formed safetensors file; the message names it.</exception>
    public static SafetensorsFile Open(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"No safetensors file at '{path}'.", path);
        var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        try
        {
            long length = RandomAccess.GetLength(handle);
            if (length < 8) throw Bad(path, $"it has {length} bytes, too few for the 8-byte header length (truncated?)");
            Span<byte> prefix = stackalloc byte[8];
            ReadExactly(handle, prefix, 0, path);
            ulong headerLength = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(prefix);
            if (headerLength > (ulong)MaxHeaderBytes) throw Bad(path, $"its header length is {headerLength} bytes, over the limit of {MaxHeaderBytes}");
            if ((long)headerLength > length - 8)
                throw Bad(path, $"its header length is {headerLength} bytes but only {length - 8} bytes follow (truncated?)");
            var header = new byte[headerLength];
            ReadExactly(handle, header, 8, path);
            long dataStart = 8 + (long)headerLength;
            var (entries, metadata) = ParseHeader(header, length - dataStart, path);
            return new SafetensorsFile(path, handle, dataStart, entries, metadata);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Reads a tensor with the file's dtype and shape (a new CPU tensor the caller owns).</summary>
    /// <exception cref="InvalidDataException">The file has no such tensor, its dtype has no TorchSharp type, or the file cannot be read; the message names it.</exception>
    public Tensor Read(string name)
    {
        var entry = Entry(name);
        if (!SafetensorsDType.TryGetScalarType(entry.DType, out var type))
            throw new InvalidDataException($"'{Path}': tensor '{name}' has dtype {entry.DType}, which MetaNlp does not read (supported: {string.Join(", ", SafetensorsDType.Supported)}).");
        long bytes = entry.End - entry.Begin;
        if (bytes > Array.MaxLength) throw new InvalidDataException($"'{Path}': tensor '{name}' has {bytes} bytes, more than one read can hold.");
        var buffer = new byte[bytes];
        ReadExactly(_handle, buffer, _dataStart + entry.Begin, Path);
        var result = empty([.. entry.Shape], type);
        if (bytes > 0) result.bytes = buffer;
        return result;
    }

    /// <summary>
    /// Reads a floating-point tensor (F32, F64, F16 or BF16) as float32 values in row-major order, checking its shape.
    /// </summary>
    /// <exception cref="InvalidDataException">The tensor is missing, not of a floating-point dtype or of another shape; the message names the file and the tensor.</exception>
    public float[] ReadFloats(string name, params long[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var entry = Entry(name);
        if (!entry.Shape.SequenceEqual(shape))
            throw new InvalidDataException($"'{Path}': tensor '{name}' is [{string.Join(", ", entry.Shape)}], expected [{string.Join(", ", shape)}].");
        if (!SafetensorsDType.IsFloat(entry.DType))
            throw new InvalidDataException($"'{Path}': tensor '{name}' has dtype {entry.DType}; a floating-point dtype (F32, F64, F16, BF16) is expected.");
        using var scope = NewDisposeScope();
        var values = Read(name).to_type(ScalarType.Float32);
        return values.data<float>().ToArray();
    }

    /// <inheritdoc />
    public void Dispose() => _handle.Dispose();

    private static (List<SafetensorsEntry>, Dictionary<string, string>) ParseHeader(byte[] header, long dataLength, string path)
    {
        JsonDocument document;
        try
        {
            string text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(header);
            document = JsonDocument.Parse(text);
        }
        catch (Exception e) when (e is JsonException or DecoderFallbackException or ArgumentException)
        {
            throw Bad(path, $"its header is not UTF-8 JSON ({e.Message})");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object) throw Bad(path, "its header is not a JSON object");
            var entries = new List<SafetensorsEntry>();
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (!seen.Add(property.Name)) throw Bad(path, $"its header names '{property.Name}' twice");
                if (property.Name == MetadataKey)
                {
                    if (property.Value.ValueKind != JsonValueKind.Object) throw Bad(path, $"its {MetadataKey} is not an object");
                    foreach (var item in property.Value.EnumerateObject())
                    {
                        if (item.Value.ValueKind != JsonValueKind.String) throw Bad(path, $"its {MetadataKey} value '{item.Name}' is not a string");
                        metadata[item.Name] = item.Value.GetString()!;
                    }
                    continue;
                }
                entries.Add(ParseEntry(property, path));
            }
            entries.Sort((a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
            long expected = 0;
            foreach (var entry in entries)
            {
                if (entry.Begin != expected)
                    throw Bad(path, $"tensor '{entry.Name}' starts at data byte {entry.Begin}, where {expected} is expected (tensors overlap or leave a gap)");
                expected = entry.End;
            }
            if (expected != dataLength)
                throw Bad(path, expected > dataLength
                    ? $"its tensors need {expected} data bytes but the file has {dataLength} (truncated?)"
                    : $"its tensors use {expected} data bytes but the file has {dataLength}");
            return (entries, metadata);
        }
    }

    private static SafetensorsEntry ParseEntry(JsonProperty property, string path)
    {
        string name = property.Name;
        var value = property.Value;
        if (value.ValueKind != JsonValueKind.Object) throw Bad(path, $"tensor '{name}' has no dtype, shape and data_offsets object");
        if (!value.TryGetProperty("dtype", out var dtype) || dtype.ValueKind != JsonValueKind.String)
            throw Bad(path, $"tensor '{name}' has no dtype");
        string type = dtype.GetString()!;
        int size = SafetensorsDType.SizeOf(type);
        if (size == 0) throw Bad(path, $"tensor '{name}' has the unknown dtype '{type}' (safetensors dtypes: {string.Join(", ", SafetensorsDType.All)})");
        var shape = Integers(value, "shape", name, path);
        var offsets = Integers(value, "data_offsets", name, path);
        if (offsets.Length != 2 || offsets[0] > offsets[1]) throw Bad(path, $"tensor '{name}' has data_offsets that are not [begin, end] with begin <= end");
        long bytes;
        try
        {
            bytes = checked(shape.Aggregate(1L, (a, d) => a * d) * size);
        }
        catch (OverflowException)
        {
            throw Bad(path, $"tensor '{name}' has a shape [{string.Join(", ", shape)}] too large to address");
        }
        if (offsets[1] - offsets[0] != bytes)
            throw Bad(path, $"tensor '{name}' is {type} [{string.Join(", ", shape)}], {bytes} bytes, but its data_offsets [{offsets[0]}, {offsets[1]}] span {offsets[1] - offsets[0]}");
        return new SafetensorsEntry(name, type, shape, offsets[0], offsets[1]);
    }

    private static long[] Integers(JsonElement value, string field, string name, string path)
    {
        if (!value.TryGetProperty(field, out var array) || array.ValueKind != JsonValueKind.Array)
            throw Bad(path, $"tensor '{name}' has no {field} array");
        var result = new long[array.GetArrayLength()];
        int i = 0;
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out long n) || n < 0)
                throw Bad(path, $"tensor '{name}' has a {field} entry that is not a non-negative integer");
            result[i++] = n;
        }
        return result;
    }

    private static void ReadExactly(SafeFileHandle handle, Span<byte> buffer, long offset, string path)
    {
        while (buffer.Length > 0)
        {
            int read = RandomAccess.Read(handle, buffer, offset);
            if (read == 0) throw Bad(path, "it ended while being read (truncated or changed while open?)");
            buffer = buffer[read..];
            offset += read;
        }
    }

    private static InvalidDataException Bad(string path, string why) => new($"'{path}' is not a valid safetensors file: {why}.");
}
