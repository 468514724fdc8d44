namespace MetaNlp.Data;

/// <summary>Which classes are used for meta-training, validation and testing. The three sets are disjoint.</summary>
public sealed record ClassSplit
{
    /// <summary>Creates a split and checks that no class is in two sets.</summary>
    public ClassSplit(IReadOnlyList<string> train, IReadOnlyList<string> validation, IReadOnlyList<string> test)
    {
        Train = train;
        Validation = validation;
        Test = test;
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (setName, set) in new[] { ("train", train), ("validation", validation), ("test", test) })
        {
            foreach (var c in set)
            {
                if (seen.TryGetValue(c, out var other))
                    throw new ArgumentException($"Class '{c}' is in both the {other} and the {setName} classes of the split.");
                seen[c] = setName;
            }
        }
    }

    /// <summary>Meta-training classes (vocabularies and statistics come from these only).</summary>
    public IReadOnlyList<string> Train { get; }

    /// <summary>Validation classes (early stopping).</summary>
    public IReadOnlyList<string> Validation { get; }

    /// <summary>Test classes (reported numbers).</summary>
    public IReadOnlyList<string> Test { get; }

    /// <summary>The classes of one named set: "train", "val"/"validation" or "test".</summary>
    public IReadOnlyList<string> Get(SplitPart part) => part switch
    {
        SplitPart.Train => Train,
        SplitPart.Validation => Validation,
        SplitPart.Test => Test,
        _ => throw new ArgumentOutOfRangeException(nameof(part)),
    };
}

/// <summary>The three sets of a <see cref="ClassSplit"/>.</summary>
public enum SplitPart
{
    /// <summary>Meta-training classes.</summary>
    Train,

    /// <summary>Validation classes.</summary>
    Validation,

    /// <summary>Test classes.</summary>
    Test,
}
