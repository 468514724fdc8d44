using static TorchSharp.torch;

namespace MetaNlp.Interop;

/// <summary>The safetensors dtype names, their sizes and the TorchSharp element types MetaNlp reads and writes them as.</summary>
public static class SafetensorsDType
{
    private static readonly (string Name, int Size, ScalarType? Type)[] Table =
    [
        ("BOOL", 1, ScalarType.Bool), ("U8", 1, ScalarType.Byte), ("I8", 1, ScalarType.Int8),
        ("I16", 2, ScalarType.Int16), ("I32", 4, ScalarType.Int32), ("I64", 8, ScalarType.Int64),
        ("F16", 2, ScalarType.Float16), ("BF16", 2, ScalarType.BFloat16), ("F32", 4, ScalarType.Float32), ("F64", 8, ScalarType.Float64),
        // In the format, but with no TorchSharp element type here: their entries are checked, reading them is refused.
        ("U16", 2, null), ("U32", 4, null), ("U64", 8, null), ("F8_E4M3", 1, null), ("F8_E5M2", 1, null),
    ];

    /// <summary>Every dtype name of the format that a header may use.</summary>
    public static IReadOnlyList<string> All { get; } = [.. Table.Select(t => t.Name)];

    /// <summary>The dtype names MetaNlp reads into tensors and writes.</summary>
    public static IReadOnlyList<string> Supported { get; } = [.. Table.Where(t => t.Type is not null).Select(t => t.Name)];

    /// <summary>Bytes per element of a dtype, or 0 for a name the format does not have.</summary>
    public static int SizeOf(string dtype) => Table.FirstOrDefault(t => t.Name == dtype).Size;

    /// <summary>Whether the dtype is a floating-point one MetaNlp reads (F16, BF16, F32, F64).</summary>
    public static bool IsFloat(string dtype) => dtype is "F16" or "BF16" or "F32" or "F64";

    /// <summary>The TorchSharp element type of a dtype name.</summary>
    public static bool TryGetScalarType(string dtype, out ScalarType type)
    {
        foreach (var (name, _, scalar) in Table)
        {
            if (name == dtype && scalar is ScalarType found)
            {
                type = found;
                return true;
            }
        }
        type = default;
        return false;
    }

    /// <summary>The dtype name of a TorchSharp element type.</summary>
    /// <exception cref="ArgumentException">The format has no dtype for it (complex numbers, for one).</exception>
    public static string NameOf(ScalarType type)
    {
        foreach (var (name, _, scalar) in Table)
        {
            if (scalar == type) return name;
        }
        throw new ArgumentException($"safetensors has no dtype for {type}.", nameof(type));
    }
}
