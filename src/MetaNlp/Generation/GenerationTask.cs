namespace MetaNlp.Generation;

/// <summary>
/// One task of a generation family: a language pair, a dialogue domain or a summarization source, with the examples
/// of one split (the split the loader was asked for; sets without splits give all their examples).
/// </summary>
/// <param name="Name">The task's name, e.g. <c>fra-eng</c>, <c>restaurant</c>, <c>sgd_banks</c>, <c>email</c>.</param>
/// <param name="Family">What kind of task it is.</param>
/// <param name="Pairs">Its examples, in file order.</param>
public sealed record GenerationTask(string Name, GenerationTaskFamily Family, IReadOnlyList<GenerationPair> Pairs);
