namespace MetaNlp.Generation;

/// <summary>Counts behind a slot error rate.</summary>
/// <param name="Slots">Slot values that must appear in the outputs.</param>
/// <param name="Missing">Of those, values absent from their output.</param>
/// <param name="Redundant">Extra occurrences: times a value appears in an output beyond its count in the act.</param>
public sealed record SlotErrorCounts(long Slots, long Missing, long Redundant)
{
    /// <summary>(missing + redundant) / slots, in 0–1 (and above 1 for very redundant output); 0 with no slots.</summary>
    public double Rate => Slots == 0 ? 0.0 : (double)(Missing + Redundant) / Slots;
}
