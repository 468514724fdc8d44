namespace MetaNlp.Data;

/// <summary>
/// Batches for a supervised contrastive epoch: each class's examples are shuffled and cut into groups of
/// <see cref="ExamplesPerClass"/>, the groups of all classes are shuffled and packed <see cref="ClassesPerBatch"/> to a
/// batch. Every example is in exactly one batch per epoch (a class's last group of one is dropped: it would have no
/// positive), so an epoch costs as many encoder passes as there are examples: linear in the data, where all pairs
/// would be quadratic.
/// </summary>
public sealed class ClassBalancedBatches
{
    private readonly TextExample[][] _classes;
    private readonly int _seed;

    /// <summary>Batches over <paramref name="examples"/> (at least two classes with at least two examples each).</summary>
    /// <param name="examples">The labelled examples.</param>
    /// <param name="classesPerBatch">Groups per batch (at least 2).</param>
    /// <param name="examplesPerClass">Examples per group (at least 2).</param>
    /// <param name="seed">Seed of the shuffles: epoch e of a seed is always the same.</param>
    public ClassBalancedBatches(IReadOnlyList<TextExample> examples, int classesPerBatch, int examplesPerClass, int seed)
    {
        ArgumentNullException.ThrowIfNull(examples);
        if (classesPerBatch < 2) throw new ArgumentOutOfRangeException(nameof(classesPerBatch), classesPerBatch, "A contrastive batch needs at least 2 classes.");
        if (examplesPerClass < 2) throw new ArgumentOutOfRangeException(nameof(examplesPerClass), examplesPerClass, "A contrastive batch needs at least 2 examples of a class (a positive pair).");
        _classes = [.. examples.GroupBy(e => e.Label, StringComparer.Ordinal).Where(g => g.Count() >= 2).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => g.ToArray())];
        if (_classes.Length < 2)
            throw new ArgumentException($"Contrastive training needs at least two classes with two or more examples; these {examples.Count} examples have {_classes.Length}.", nameof(examples));
        ClassesPerBatch = classesPerBatch;
        ExamplesPerClass = examplesPerClass;
        _seed = seed;
    }

    /// <summary>Groups (classes) per batch.</summary>
    public int ClassesPerBatch { get; }

    /// <summary>Examples per group.</summary>
    public int ExamplesPerClass { get; }

    /// <summary>The batches of epoch <paramref name="epoch"/> (0-based), each a list of examples.</summary>
    public IReadOnlyList<IReadOnlyList<TextExample>> Epoch(int epoch)
    {
        var random = new Random(HashCode.Combine(_seed, epoch, 0x5c0b));
        var groups = new List<TextExample[]>();
        foreach (var examples in _classes)
        {
            var shuffled = (TextExample[])examples.Clone();
            random.Shuffle(shuffled);
            for (int start = 0; start < shuffled.Length; start += ExamplesPerClass)
            {
                var group = shuffled[start..Math.Min(start + ExamplesPerClass, shuffled.Length)];
                if (group.Length >= 2) groups.Add(group);
            }
        }
        var order = groups.ToArray();
        random.Shuffle(order);
        var batches = new List<IReadOnlyList<TextExample>>();
        for (int start = 0; start < order.Length; start += ClassesPerBatch)
            batches.Add([.. order[start..Math.Min(start + ClassesPerBatch, order.Length)].SelectMany(g => g)]);
        return batches;
    }
}
