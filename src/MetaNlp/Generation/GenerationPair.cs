namespace MetaNlp.Generation;

/// <summary>One example of a generation task: the input text and the text to produce.</summary>
/// <param name="Source">Input: a sentence to translate, a dialogue act, a thread to summarise.</param>
/// <param name="Target">The reference output.</param>
public sealed record GenerationPair(string Source, string Target);
