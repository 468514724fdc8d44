using Google.Protobuf;
using Onnx;

namespace MetaNlp.Pretrained;

/// <summary>
/// The float32 weights of an ONNX model exported from PyTorch, by their PyTorch names. Named initializers keep
/// their names and shapes. A linear layer's weight is exported as an anonymous initializer feeding a MatMul
/// ([in, out], x @ W); the MatMul's output goes into an Add with the layer's named bias ("...dense.bias"), so the
/// weight is named after that bias ("...dense.weight") and transposed to PyTorch's [out, in] layout.
/// </summary>
public sealed class OnnxWeights
{
    private readonly Dictionary<string, (long[] Shape, float[] Values)> _weights;

    private OnnxWeights(Dictionary<string, (long[] Shape, float[] Values)> weights) => _weights = weights;

    /// <summary>Names of the weights found.</summary>
    public IReadOnlyCollection<string> Names => _weights.Keys;

    /// <summary>Reads an ONNX model (protobuf) from a stream.</summary>
    /// <exception cref="InvalidDataException">The stream is not an ONNX model, or a MatMul weight cannot be named.</exception>
    public static OnnxWeights Read(Stream onnx)
    {
        ArgumentNullException.ThrowIfNull(onnx);
        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(onnx);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InvalidDataException($"Not an ONNX model: {e.Message}", e);
        }
        var graph = model.Graph ?? throw new InvalidDataException("The ONNX model has no graph.");
        var initializers = graph.Initializer.Where(t => t.DataType == (int)TensorProto.Types.DataType.Float).ToDictionary(t => t.Name);
        var weights = new Dictionary<string, (long[], float[])>(StringComparer.Ordinal);
        foreach (var tensor in initializers.Values.Where(t => !IsAnonymous(t.Name)))
            weights[tensor.Name] = (tensor.Dims.ToArray(), Values(tensor));

        var consumers = graph.Node.SelectMany(n => n.Input.Select(i => (Input: i, Node: n))).ToLookup(p => p.Input, p => p.Node);
        foreach (var matmul in graph.Node.Where(n => n.OpType == "MatMul" && n.Input.Count == 2 && initializers.ContainsKey(n.Input[1])))
        {
            var tensor = initializers[matmul.Input[1]];
            if (!IsAnonymous(tensor.Name)) continue;
            var add = consumers[matmul.Output[0]].SingleOrDefault(n => n.OpType == "Add")
                ?? throw new InvalidDataException($"The MatMul '{matmul.Name}' does not feed a single Add, so its weight '{tensor.Name}' cannot be named.");
            string bias = add.Input.SingleOrDefault(i => i != matmul.Output[0] && i.EndsWith(".bias", StringComparison.Ordinal) && initializers.ContainsKey(i))
                ?? throw new InvalidDataException($"The Add after MatMul '{matmul.Name}' has no named bias, so its weight '{tensor.Name}' cannot be named.");
            string name = bias[..^".bias".Length] + ".weight";
            if (tensor.Dims.Count != 2) throw new InvalidDataException($"The MatMul weight of '{name}' has {tensor.Dims.Count} dimensions, not 2.");
            if (!weights.TryAdd(name, Transpose(tensor.Dims[0], tensor.Dims[1], Values(tensor))))
                throw new InvalidDataException($"Two MatMul weights map to '{name}'.");
        }
        return new OnnxWeights(weights);
    }

    /// <summary>Whether a weight of that name was found.</summary>
    public bool Contains(string name) => _weights.ContainsKey(name);

    /// <summary>The values of a weight in row-major order, checked against the expected shape.</summary>
    /// <exception cref="InvalidDataException">The weight is missing or has another shape; the message names it.</exception>
    public float[] Get(string name, params long[] shape)
    {
        if (!_weights.TryGetValue(name, out var weight)) throw new InvalidDataException($"The ONNX model has no weight '{name}'.");
        if (!weight.Shape.SequenceEqual(shape))
            throw new InvalidDataException($"The ONNX weight '{name}' is [{string.Join(", ", weight.Shape)}], expected [{string.Join(", ", shape)}].");
        return weight.Values;
    }

    // PyTorch's exporter gives constants it created numeric names ("927"); parameters keep their module path.
    private static bool IsAnonymous(string name) => name.Length == 0 || name.All(char.IsAsciiDigit);

    private static float[] Values(TensorProto tensor)
    {
        if (tensor.DataLocation == TensorProto.Types.DataLocation.External)
            throw new InvalidDataException($"The ONNX weight '{tensor.Name}' is stored in an external file.");
        long count = tensor.Dims.Aggregate(1L, (a, d) => a * d);
        float[] values;
        if (!tensor.RawData.IsEmpty)
        {
            if (tensor.RawData.Length != count * sizeof(float)) throw new InvalidDataException($"The ONNX weight '{tensor.Name}' has {tensor.RawData.Length} bytes for {count} floats.");
            values = new float[count];
            // ONNX raw data is little-endian, as are the platforms LibTorch runs on.
            tensor.RawData.Span.CopyTo(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
        }
        else
        {
            if (tensor.FloatData.Count != count) throw new InvalidDataException($"The ONNX weight '{tensor.Name}' has {tensor.FloatData.Count} values for {count}.");
            values = tensor.FloatData.ToArray();
        }
        return values;
    }

    private static (long[], float[]) Transpose(long rows, long columns, float[] values)
    {
        var transposed = new float[values.Length];
        for (long r = 0; r < rows; r++)
            for (long c = 0; c < columns; c++)
                transposed[c * rows + r] = values[r * columns + c];
        return ([columns, rows], transposed);
    }
}
