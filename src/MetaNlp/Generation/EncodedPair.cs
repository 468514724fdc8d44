namespace MetaNlp.Generation;

/// <summary>A generation example as ids (a <see cref="BpeVocabulary"/>'s, without begin or end ids).</summary>
/// <param name="Source">Source ids (at least one).</param>
/// <param name="Target">Target ids (may be empty: the model then learns to end at once).</param>
public sealed record EncodedPair(int[] Source, int[] Target);
