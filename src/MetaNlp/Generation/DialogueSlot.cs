namespace MetaNlp.Generation;

/// <summary>One slot of a dialogue act: its name and value (null when the slot has no <c>=</c>).</summary>
/// <param name="Name">Slot name, e.g. <c>pricerange</c>.</param>
/// <param name="Value">Slot value without quotes, e.g. <c>moderate</c>; <c>?</c> for a requested slot.</param>
public sealed record DialogueSlot(string Name, string? Value);
