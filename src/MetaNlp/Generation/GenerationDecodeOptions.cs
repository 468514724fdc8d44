namespace MetaNlp.Generation;

/// <summary>How <see cref="GenerationEvaluator"/> decodes: greedy (beam 1) or beam search with length normalisation.</summary>
public sealed record GenerationDecodeOptions
{
    /// <summary>Beam width; 1 is greedy decoding.</summary>
    public int Beam { get; init; } = 1;

    /// <summary>Most generated tokens, the end id included (an output that reaches it is cut there).</summary>
    public int MaxLength { get; init; } = 64;

    /// <summary>Length-normalisation exponent of beam search (score log P / length^alpha); unused when greedy.</summary>
    public double Alpha { get; init; } = 1.0;

    /// <summary>Checks every value against its bounds, naming the bad one.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of bounds.</exception>
    public void Validate()
    {
        OptionBounds.Check(nameof(Beam), Beam, 1, 64);
        OptionBounds.Check(nameof(MaxLength), MaxLength, 1, 4096);
        OptionBounds.Check(nameof(Alpha), Alpha, 0, 10);
    }
}
