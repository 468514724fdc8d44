namespace MetaNlp.Generation;

/// <summary>
/// Options of <see cref="ChrF"/>; the defaults are sacreBLEU 2.x's chrF2 (character 6-grams, no word n-grams,
/// β = 2, case kept, whitespace dropped, effective-order averaging rather than epsilon smoothing).
/// </summary>
public sealed record ChrFOptions
{
    /// <summary>Highest character n-gram order (sacreBLEU: 6).</summary>
    public int CharOrder { get; init; } = 6;

    /// <summary>Highest word n-gram order (0: chrF; 2: chrF++).</summary>
    public int WordOrder { get; init; }

    /// <summary>Weight of recall against precision (sacreBLEU: 2).</summary>
    public int Beta { get; init; } = 2;

    /// <summary>Lower-case both sides first.</summary>
    public bool LowerCase { get; init; }

    /// <summary>Keep whitespace inside character n-grams (sacreBLEU drops it).</summary>
    public bool IncludeWhitespace { get; init; }

    /// <summary>
    /// Average per-order F-scores with a tiny epsilon for empty orders (chrF++.py, NLTK, Moses) instead of
    /// sacreBLEU 2's default: the F-score of the precision and recall averaged over the orders present on both sides.
    /// </summary>
    public bool EpsilonSmoothing { get; init; }

    /// <summary>Checks the orders (1 to 20 characters, 0 to 10 words) and β (1 to 100), naming the bad one.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of bounds.</exception>
    public void Validate()
    {
        OptionBounds.Check(nameof(CharOrder), CharOrder, 1, 20);
        OptionBounds.Check(nameof(WordOrder), WordOrder, 0, 10);
        OptionBounds.Check(nameof(Beta), Beta, 1, 100);
    }
}
