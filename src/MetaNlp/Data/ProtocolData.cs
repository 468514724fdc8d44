namespace MetaNlp.Data;

/// <summary>
/// Data ready for a protocol: a registry entry as loaded, or a user's file with its class split. What the evaluator
/// (<c>Evaluation.ProtocolEvaluator</c>) and the training sources (<c>Training.TrainingSources</c>) take.
/// </summary>
/// <param name="Name">Display name (registry name or file name), used in messages.</param>
/// <param name="Dataset">The examples, by part.</param>
/// <param name="Split">The class split in force (registry, user or trained model); null where the protocol has none.</param>
/// <param name="Parts">Which parts play which role.</param>
/// <param name="Protocol">The registry's protocol description (default ways, shots, test episodes); null for user files.</param>
public sealed record ProtocolData(string Name, TextDataset Dataset, ClassSplit? Split, ProtocolParts Parts, BenchmarkProtocol? Protocol)
{
    /// <summary>A user's file: episodic, with <paramref name="split"/> where given.</summary>
    public static ProtocolData Episodic(string name, TextDataset dataset, ClassSplit? split) => new(name, dataset, split, EpisodicParts.Instance, null);

    /// <summary>The kind reported for this data: the registry's, else episodic.</summary>
    public BenchmarkKind Kind => Protocol?.Kind ?? BenchmarkKind.Episodic;

    /// <summary>The class split, or an error saying how to give one.</summary>
    /// <exception cref="ArgumentException">There is no split.</exception>
    public ClassSplit RequireSplit() => Split ?? throw new ArgumentException(
        $"'{Name}' has no class split: give --split FILE or --train-classes/--val-classes/--test-classes.");

    /// <summary>The examples a model's vocabulary is built from (<see cref="ProtocolParts.VocabularyExamples"/>).</summary>
    public IReadOnlyList<TextExample> VocabularyExamples() => Parts.VocabularyExamples(Dataset, Split);
}
