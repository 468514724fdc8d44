using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using MetaNlp.Interop;
using MetaNlp.Tests.Data;
using static TorchSharp.torch;

namespace MetaNlp.Tests.Interop;

public class SafetensorsFileTests
{
    // A file laid out by hand from the format's description: u64 little-endian header length, the JSON header (entries
    // in another order than their data, padded with spaces), then the raw little-endian bytes.
    private static byte[] HandBuilt(string header, byte[] data)
    {
        var json = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + json.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)json.Length);
        json.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + json.Length);
        return bytes;
    }

    private static byte[] Concat(params byte[][] parts) => [.. parts.SelectMany(p => p)];

    private static byte[] Floats(params float[] values)
    {
        var bytes = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
        return bytes;
    }

    private static byte[] Longs(params long[] values)
    {
        var bytes = new byte[values.Length * 8];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(i * 8), values[i]);
        return bytes;
    }

    [Fact]
    public void ReadsAFileBuiltByHandFromTheFormatDescription()
    {
        using var dir = new TempDir();
        string path = Path.Combine(dir.Path, "hand.safetensors");
        const string header = """{"__metadata__":{"format":"pt","note":"by hand"},"weight":{"dtype":"F32","shape":[2,3],"data_offsets":[16,40]},"ids":{"dtype":"I64","shape":[2],"data_offsets":[0,16]},"half":{"dtype":"F16","shape":[2],"data_offsets":[40,44]},"brain":{"dtype":"BF16","shape":[1],"data_offsets":[44,46]}}   """;
        // F16 1.0 = 0x3C00, -2.0 = 0xC000; BF16 1.0 = 0x3F80 (little-endian: low byte first).
        File.WriteAllBytes(path, HandBuilt(header, Concat(Longs(7, -3), Floats(0.5f, -1f, 2f, 3.25f, 0f, 1e-3f), [0x00, 0x3C, 0x00, 0xC0], [0x80, 0x3F])));

        using var file = SafetensorsFile.Open(path);
        Assert.Equal(["ids", "weight", "half", "brain"], file.Entries.Select(e => e.Name));
        Assert.Equal("pt", file.Metadata["format"]);
        Assert.Equal("by hand", file.Metadata["note"]);
        using var scope = NewDisposeScope();
        var weight = file.Read("weight");
        Assert.Equal(ScalarType.Float32, weight.dtype);
        Assert.Equal([2L, 3L], weight.shape);
        Assert.Equal([0.5f, -1f, 2f, 3.25f, 0f, 1e-3f], weight.data<float>().ToArray());
        var ids = file.Read("ids");
        Assert.Equal(ScalarType.Int64, ids.dtype);
        Assert.Equal([7L, -3L], ids.data<long>().ToArray());
        Assert.Equal(ScalarType.Float16, file.Read("half").dtype);
        Assert.Equal([1f, -2f], file.ReadFloats("half", 2));
        Assert.Equal([1f], file.ReadFloats("brain", 1));
        Assert.Equal([0.5f, -1f, 2f, 3.25f, 0f, 1e-3f], file.ReadFloats("weight", 2, 3));
    }

    [Fact]
    public void WrittenFilesFollowTheLayoutByteForByte()
    {
        using var dir = new TempDir();
        string path = Path.Combine(dir.Path, "out.safetensors");
        using var scope = NewDisposeScope();
        var b = tensor(new float[] { 1.5f, -2f, 0.25f, 8f }, [2, 2]);
        var a = tensor(new long[] { 1, 2, long.MaxValue }, [3]);
        var flag = tensor(new[] { true, false });
        Safetensors.Write(path, [new("b", b), new("a", a), new("flag", flag)]);

        var bytes = File.ReadAllBytes(path);
        long n = (long)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0, (8 + n) % 8); // the data start 8-byte aligned
        using var json = JsonDocument.Parse(Encoding.UTF8.GetString(bytes, 8, (int)n));
        var root = json.RootElement;
        Assert.Equal("pt", root.GetProperty("__metadata__").GetProperty("format").GetString());
        void Expect(string name, string dtype, long[] shape, long begin, long end)
        {
            var entry = root.GetProperty(name);
            Assert.Equal(dtype, entry.GetProperty("dtype").GetString());
            Assert.Equal(shape, entry.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()));
            Assert.Equal([begin, end], entry.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()));
        }
        Expect("b", "F32", [2, 2], 0, 16);
        Expect("a", "I64", [3], 16, 40);
        Expect("flag", "BOOL", [2], 40, 42);
        Assert.Equal(8 + n + 42, bytes.Length);
        var data = bytes.AsSpan((int)(8 + n));
        Assert.Equal(Floats(1.5f, -2f, 0.25f, 8f), data[..16].ToArray());
        Assert.Equal(Longs(1, 2, long.MaxValue), data[16..40].ToArray());
        Assert.Equal(new byte[] { 1, 0 }, data[40..].ToArray());
    }

    [Fact]
    public void EverySupportedTypeRoundTripsWithScalarAndEmptyTensors()
    {
        using var dir = new TempDir();
        string path = Path.Combine(dir.Path, "types.safetensors");
        using var scope = NewDisposeScope();
        manual_seed(3);
        var tensors = new Dictionary<string, Tensor>
        {
            ["f32"] = randn(3, 4),
            ["f64"] = randn(5, dtype: ScalarType.Float64),
            ["f16"] = randn(2, 2).to_type(ScalarType.Float16),
            ["bf16"] = randn(6).to_type(ScalarType.BFloat16),
            ["i64"] = randint(-1000, 1000, [4]),
            ["i32"] = randint(-1000, 1000, [4], dtype: ScalarType.Int32),
            ["i16"] = randint(-1000, 1000, [2], dtype: ScalarType.Int16),
            ["i8"] = randint(-100, 100, [3], dtype: ScalarType.Int8),
            ["u8"] = randint(0, 255, [3], dtype: ScalarType.Byte),
            ["bool"] = tensor(new[] { true, false, true }),
            ["scalar"] = tensor(2.5f),
            ["empty"] = zeros(0, 7),
            ["strided"] = randn(4, 3).t(),
        };
        Safetensors.Write(path, tensors, new Dictionary<string, string> { ["k"] = "v" });
        using var file = SafetensorsFile.Open(path);
        Assert.Equal("v", file.Metadata["k"]);
        Assert.False(file.Metadata.ContainsKey("format"));
        foreach (var (name, expected) in tensors)
        {
            var read = file.Read(name);
            Assert.Equal(expected.dtype, read.dtype);
            Assert.Equal(expected.shape, read.shape);
            Assert.True(read.equal(expected).all().item<bool>(), name);
        }
    }

    [Fact]
    public void MalformedFilesAreRefusedWithErrorsNamingTheFileAndTheTensor()
    {
        using var dir = new TempDir();
        string path = Path.Combine(dir.Path, "bad.safetensors");
        string Error(byte[] bytes)
        {
            File.WriteAllBytes(path, bytes);
            var e = Assert.Throws<InvalidDataException>(() => SafetensorsFile.Open(path).Dispose());
            Assert.Contains(path, e.Message);
            return e.Message;
        }
        const string good = """{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""";
        var goodBytes = HandBuilt(good, Floats(1, 2));

        Assert.Contains("too few", Error([1, 2, 3, 4, 5]));                                             // no header length
        Assert.Contains("truncated", Error(goodBytes[..20]));                                          // header cut
        Assert.Contains("truncated", Error(goodBytes[..^3]));                                          // data cut
        Assert.Contains("not UTF-8 JSON", Error(HandBuilt("{\"w\":", [])));
        Assert.Contains("not a JSON object", Error(HandBuilt("[1, 2]", [])));
        var dtype = Error(HandBuilt(good.Replace("F32", "F33"), Floats(1, 2)));
        Assert.Contains("'w'", dtype);
        Assert.Contains("F33", dtype);
        Assert.Contains("'w'", Error(HandBuilt(good.Replace("[0,8]", "[0,12]"), Floats(1, 2, 3))));    // span is not 2 x 4 bytes
        Assert.Contains("'w'", Error(HandBuilt(good.Replace("\"shape\":[2],", ""), Floats(1, 2))));  // no shape
        Assert.Contains("gap", Error(HandBuilt("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}""", Floats(1, 2, 3))));
        Assert.Contains("overlap", Error(HandBuilt("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""", Floats(1, 2))));
        Assert.Contains("twice", Error(HandBuilt("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""", Floats(1, 2))));
        Assert.Contains("over the limit", Error([.. BitConverter.GetBytes(ulong.MaxValue), .. "{}"u8.ToArray()]));

        // Well-formed, but not what the reader was asked for: the message names the file and the tensor.
        File.WriteAllBytes(path, HandBuilt("""{"ids":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}}""", Longs(4)));
        using var file = SafetensorsFile.Open(path);
        var wrongType = Assert.Throws<InvalidDataException>(() => file.ReadFloats("ids", 1));
        Assert.Contains(path, wrongType.Message);
        Assert.Contains("'ids'", wrongType.Message);
        Assert.Contains("I64", wrongType.Message);
        var wrongShape = Assert.Throws<InvalidDataException>(() => file.ReadFloats("ids", 2));
        Assert.Contains("[1]", wrongShape.Message);
        var missing = Assert.Throws<InvalidDataException>(() => file.Read("nope"));
        Assert.Contains("'nope'", missing.Message);
        Assert.Contains(path, missing.Message);
    }
}
