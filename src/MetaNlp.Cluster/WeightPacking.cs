using System.Runtime.InteropServices;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MetaNlp.Cluster;

/// <summary>
/// Weights and gradients as bytes: float32 values of each tensor in a fixed order, concatenated (the order and shapes
/// are the model's, known to both ends from the run's model, so no header travels with each message).
/// </summary>
public static class WeightPacking
{
    /// <summary>The trainable weights of <paramref name="module"/>, in the order every message uses.</summary>
    public static (string Name, Parameter Parameter)[] Trainable(nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        return [.. module.named_parameters().Where(p => p.parameter.requires_grad)];
    }

    /// <summary>The values of <paramref name="tensors"/>, float32, one after the other.</summary>
    /// <exception cref="ArgumentException">A tensor is not float32.</exception>
    public static byte[] Pack(IEnumerable<Tensor> tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var list = tensors.ToList();
        long total = list.Sum(t => t.numel());
        var bytes = new byte[checked(total * sizeof(float))];
        var target = MemoryMarshal.Cast<byte, float>(bytes.AsSpan());
        int offset = 0;
        foreach (var tensor in list)
        {
            if (tensor.dtype != ScalarType.Float32) throw new ArgumentException($"Only float32 weights travel; this one is {tensor.dtype}.", nameof(tensors));
            using var scope = NewDisposeScope();
            var values = tensor.detach().cpu().contiguous().data<float>();
            int count = (int)tensor.numel();
            values.CopyTo(target.Slice(offset, count));
            offset += count;
        }
        return bytes;
    }

    /// <summary>
    /// Tensors shaped like <paramref name="shapes"/> read from <paramref name="bytes"/> (new tensors in the caller's
    /// dispose scope).
    /// </summary>
    /// <exception cref="InvalidDataException">The bytes do not hold exactly that many float32 values.</exception>
    public static Tensor[] Unpack(byte[] bytes, IReadOnlyList<long[]> shapes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        ArgumentNullException.ThrowIfNull(shapes);
        long expected = shapes.Sum(s => s.Aggregate(1L, (a, b) => a * b)) * sizeof(float);
        if (bytes.LongLength != expected)
            throw new InvalidDataException($"A weight message holds {bytes.LongLength} bytes where the model's weights take {expected}: the two ends do not run the same model.");
        var values = MemoryMarshal.Cast<byte, float>(bytes.AsSpan());
        var result = new Tensor[shapes.Count];
        int offset = 0;
        for (int i = 0; i < shapes.Count; i++)
        {
            int count = (int)shapes[i].Aggregate(1L, (a, b) => a * b);
            result[i] = torch.tensor(values.Slice(offset, count).ToArray(), shapes[i]);
            offset += count;
        }
        return result;
    }

    /// <summary>Copies <paramref name="bytes"/> (packed in <paramref name="weights"/>' order) into the weights, without recording a gradient.</summary>
    public static void Load(IReadOnlyList<Parameter> weights, byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(weights);
        using var scope = NewDisposeScope();
        var values = Unpack(bytes, [.. weights.Select(w => w.shape)]);
        using var noGrad = torch.no_grad();
        for (int i = 0; i < weights.Count; i++) weights[i].copy_(values[i]);
    }
}
