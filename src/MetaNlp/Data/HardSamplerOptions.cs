namespace MetaNlp.Data;

/// <summary>
/// Options of the difficulty-aware sampler (<see cref="HardClassSampler"/>, <c>metanlp train --sampler hard</c>);
/// its XML docs state the rule they enter.
/// </summary>
public sealed record HardSamplerOptions
{
    /// <summary>
    /// Added to every class's error before weighting (f): the weight of a class the model never gets wrong is
    /// f^(1/t), never zero, so every class stays drawable. Above 0, at most 10.
    /// </summary>
    public double Floor { get; init; } = 0.1;

    /// <summary>
    /// Temperature (t) of the weights (error + f)^(1/t): 1 draws in proportion to error + f, below 1 sharpens towards
    /// the hardest classes, large values flatten towards uniform. 0.01 to 100.
    /// </summary>
    public double Temperature { get; init; } = 1.0;

    /// <summary>
    /// Probability (p) that each class after an episode's first is drawn as a partner of the first, by how often the
    /// two are confused, rather than by its own error. 0 (classes drawn by error alone) to 1.
    /// </summary>
    public double PairProbability { get; init; } = 0.5;

    /// <summary>
    /// Weight (d) of the old value in the running estimates: each observation moves an estimate by (1 - d) of the
    /// gap to what the episode showed. 0 (the last episode alone) to 0.999.
    /// </summary>
    public double Decay { get; init; } = 0.9;

    /// <summary>Checks the bounds above and names the bad option.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of bounds or not finite.</exception>
    public void Validate()
    {
        OptionBounds.CheckAbove(nameof(Floor), Floor, 0, 10);
        OptionBounds.Check(nameof(Temperature), Temperature, 0.01, 100);
        OptionBounds.Check(nameof(PairProbability), PairProbability, 0, 1);
        OptionBounds.Check(nameof(Decay), Decay, 0, 0.999);
    }
}
