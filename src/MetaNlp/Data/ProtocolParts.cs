namespace MetaNlp.Data;

/// <summary>
/// Which parts of a loaded dataset play which role in its evaluation protocol: a closed set of cases, one per way
/// the data is laid out. <c>Evaluation.ProtocolEvaluator</c> and <c>Training.TrainingSources</c> switch over the
/// cases; a new protocol (for example a benchmark with several fixed few-shot training splits) is one more sealed
/// case here, one evaluator and one report, and one arm in each of those two switches (until then they say the
/// protocol is not built yet). Only this assembly can add a case (the constructor is private to it).
/// </summary>
public abstract record ProtocolParts
{
    private protected ProtocolParts()
    {
    }

    /// <summary>
    /// The examples a model's vocabulary is built from (word-level encoders build theirs from these; the test data
    /// is never seen): the fixed support set, ARSC's meta-training tasks, or the training classes of the split
    /// (every example when there is no split or it has no training classes).
    /// </summary>
    /// <param name="dataset">The loaded examples.</param>
    /// <param name="split">The class split in force (the registry's, a user's, or a trained model's); only episodic data reads it.</param>
    public abstract IReadOnlyList<TextExample> VocabularyExamples(TextDataset dataset, ClassSplit? split);
}

/// <summary>N-way K-shot episodes over the classes of a class split, every example in one pool (FewRel, HuffPost, the intent splits, user files).</summary>
public sealed record EpisodicParts : ProtocolParts
{
    /// <summary>The one instance: episodic data has no parts with roles, only its class split.</summary>
    public static EpisodicParts Instance { get; } = new();

    private EpisodicParts()
    {
    }

    /// <inheritdoc />
    public override IReadOnlyList<TextExample> VocabularyExamples(TextDataset dataset, ClassSplit? split)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return split is { Train.Count: > 0 } ? dataset.WithClasses(split.Train) : dataset.All;
    }
}

/// <summary>
/// A fixed support set covering every class, scored against a whole query set at once (DNNC's train_5 / train_10
/// against test, the raw BANKING77 and CLINC150 sets), with an out-of-scope protocol where the data has one.
/// </summary>
/// <param name="Support">The part that is the support (training) set, e.g. "train_5".</param>
/// <param name="Query">The part whose every example is a query, e.g. "test".</param>
public sealed record FixedSupportParts(string Support, string Query) : ProtocolParts
{
    /// <summary>The in-scope validation part (picks the best weights when fine-tuning on the support set), where there is one.</summary>
    public string? Validation { get; init; }

    /// <summary>
    /// Whether validation episodes are cut to the validation part's smallest class of 2 or more examples where that is
    /// smaller than the training episodes' (FewCLUE, whose dev_k are as small as the training sets and not balanced);
    /// otherwise they keep the training shape and leave out a class too small for it (DNNC's sets).
    /// </summary>
    public bool ValidationFitsSmallestClass { get; init; }

    /// <summary>The out-of-scope parts (CLINC150), where there are; null otherwise.</summary>
    public OutOfScopeParts? OutOfScope { get; init; }

    /// <inheritdoc />
    public override IReadOnlyList<TextExample> VocabularyExamples(TextDataset dataset, ClassSplit? split)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return dataset.Part(Support);
    }
}

/// <summary>The parts of CLINC150's out-of-scope protocol: the rejection threshold is chosen on the two validation parts, then scored on the test parts.</summary>
/// <param name="InScopeValidation">In-scope validation part, e.g. "val".</param>
/// <param name="Validation">Out-of-scope validation part, e.g. "oos_val".</param>
/// <param name="Test">Out-of-scope test part, e.g. "oos_test".</param>
public sealed record OutOfScopeParts(string InScopeValidation, string Validation, string Test);

/// <summary>ARSC (Yu et al. 2018): fixed target tasks, each with its own support and query files, and meta-training tasks.</summary>
/// <param name="Tasks">The target and meta-training tasks.</param>
public sealed record ArscParts(ArscTasks Tasks) : ProtocolParts
{
    /// <inheritdoc />
    public override IReadOnlyList<TextExample> VocabularyExamples(TextDataset dataset, ClassSplit? split)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return [.. Tasks.TrainingTasks.SelectMany(t => dataset.Part(t.TrainPart))];
    }
}

/// <summary>FewJoint (Hou et al. 2020): shipped test and development episodes, one domain each, and meta-training domains.</summary>
/// <param name="Episodes">The shipped episodes and the training part.</param>
public sealed record FewJointParts(FewJointEpisodes Episodes) : ProtocolParts
{
    /// <inheritdoc />
    public override IReadOnlyList<TextExample> VocabularyExamples(TextDataset dataset, ClassSplit? split) => Episodes.TrainingExamples(dataset);
}
