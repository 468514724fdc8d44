using System.Collections;
using static TorchSharp.torch;

namespace MetaNlp.Functional;

/// <summary>
/// Ordered named tensors: the weights a functional forward runs with. Taken from a module's parameters, or
/// made by an update rule (adapted weights that stay in the autograd graph of the originals).
/// </summary>
public sealed class ParameterSet : IReadOnlyList<KeyValuePair<string, Tensor>>
{
    private readonly List<KeyValuePair<string, Tensor>> _items;
    private readonly Dictionary<string, int> _index;

    /// <summary>Creates a set from named tensors; names must be unique.</summary>
    public ParameterSet(IEnumerable<KeyValuePair<string, Tensor>> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        _items = items.ToList();
        _index = new Dictionary<string, int>(_items.Count, StringComparer.Ordinal);
        for (int i = 0; i < _items.Count; i++)
        {
            if (!_index.TryAdd(_items[i].Key, i)) throw new ArgumentException($"Parameter '{_items[i].Key}' appears twice.", nameof(items));
        }
    }

    /// <summary>The parameters of a module, by their dotted names, in registration order.</summary>
    public static ParameterSet From(nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        return new ParameterSet(module.named_parameters().Select(p => new KeyValuePair<string, Tensor>(p.name, p.parameter)));
    }

    /// <summary>The tensor of one name; the error lists the names that exist.</summary>
    public Tensor this[string name] => _index.TryGetValue(name, out int i)
        ? _items[i].Value
        : throw new KeyNotFoundException($"No parameter '{name}'; the set has: {string.Join(", ", Names)}.");

    /// <inheritdoc />
    public KeyValuePair<string, Tensor> this[int index] => _items[index];

    /// <inheritdoc />
    public int Count => _items.Count;

    /// <summary>Names in order.</summary>
    public IEnumerable<string> Names => _items.Select(p => p.Key);

    /// <summary>Tensors in order.</summary>
    public IEnumerable<Tensor> Tensors => _items.Select(p => p.Value);

    /// <summary>Whether a tensor of that name exists.</summary>
    public bool Contains(string name) => _index.ContainsKey(name);

    /// <summary>A new set with each tensor replaced by <paramref name="map"/>(name, tensor).</summary>
    public ParameterSet Select(Func<string, Tensor, Tensor> map) =>
        new(_items.Select(p => new KeyValuePair<string, Tensor>(p.Key, map(p.Key, p.Value))));

    /// <summary>This set with the tensors of <paramref name="overrides"/> in place of (or added to) its own, by name.</summary>
    public ParameterSet With(ParameterSet overrides)
    {
        ArgumentNullException.ThrowIfNull(overrides);
        var merged = _items.Select(p => overrides.Contains(p.Key) ? new KeyValuePair<string, Tensor>(p.Key, overrides[p.Key]) : p).ToList();
        merged.AddRange(overrides.Where(p => !Contains(p.Key)));
        return new ParameterSet(merged);
    }

    /// <summary>The tensors of the given names, in that order.</summary>
    public ParameterSet Only(IEnumerable<string> names) => new(names.Select(n => new KeyValuePair<string, Tensor>(n, this[n])));

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, Tensor>> GetEnumerator() => _items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
