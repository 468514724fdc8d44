namespace MetaNlp.Generation;

/// <summary>
/// Equality of n-grams held as token arrays (ordinal, element by element), so that n-gram counts never depend on a
/// separator character that a token might contain.
/// </summary>
internal sealed class NGramComparer : IEqualityComparer<string[]>
{
    /// <summary>The one instance.</summary>
    public static readonly NGramComparer Instance = new();

    /// <inheritdoc />
    public bool Equals(string[]? x, string[]? y) =>
        ReferenceEquals(x, y) || (x is not null && y is not null && x.AsSpan().SequenceEqual(y, StringComparer.Ordinal));

    /// <inheritdoc />
    public int GetHashCode(string[] obj)
    {
        var hash = new HashCode();
        foreach (var token in obj) hash.Add(token, StringComparer.Ordinal);
        return hash.ToHashCode();
    }
}
