namespace MetaNlp.Generation;

/// <summary>Options of <see cref="BpeTrainer"/>.</summary>
public sealed record BpeTrainerOptions
{
    /// <summary>Most merges to learn (the vocabulary is the special tokens, the characters and one symbol per merge).</summary>
    public int MergeCount { get; init; } = 8000;

    /// <summary>Stop when the most frequent pair occurs fewer times than this (Sennrich et al. stop at 2).</summary>
    public int MinPairFrequency { get; init; } = 2;

    /// <summary>Lower-case the texts before learning (and before encoding).</summary>
    public bool LowerCase { get; init; }

    /// <summary>Checks the values (merges 0 to 1,000,000; minimum frequency 1 to 1,000,000,000), naming the bad one.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of bounds.</exception>
    public void Validate()
    {
        OptionBounds.Check(nameof(MergeCount), MergeCount, 0, 1_000_000);
        OptionBounds.Check(nameof(MinPairFrequency), MinPairFrequency, 1, 1_000_000_000);
    }
}
