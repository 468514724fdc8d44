namespace MetaNlp.Generation;

/// <summary>
/// The meta-training tasks of each family in the shared data folder, as <c>metanlp train --task-family</c> reads them:
/// translation, the Tatoeba X→English pairs; NLG, RNNLG's four training domains (<c>rnnlg-restaurant</c>,
/// <c>rnnlg-hotel</c>, <c>rnnlg-laptop</c>, <c>rnnlg-tv</c>) and the 16 FewShotSGD domains with their train and test
/// examples together (<c>sgd_banks</c> …; 108,950 pairs in all); summarization, ConvoSumm's email validation threads
/// (one task only: the family has one source in the shared data, so meta-training on it is single-task fine-tuning).
/// </summary>
/// <remarks>
/// FewShotWOZ's restaurant, hotel, laptop and tv examples are drawn from RNNLG's (its test examples from RNNLG's
/// test split, which is not read here); to test on those FewShotWOZ domains leave the RNNLG domain of the same name
/// out of meta-training. A FewShotSGD domain meta-trained on cannot be a held-out FewShotSGD test domain.
/// </remarks>
public static class GenerationTaskSets
{
    /// <summary>The family names as the command line spells them, in <see cref="GenerationTaskFamily"/> order.</summary>
    public static IReadOnlyList<string> Names { get; } = ["translation", "nlg", "summarization"];

    /// <summary>The family of a command-line name (<see cref="Names"/>).</summary>
    /// <exception cref="ArgumentException">The name is not one of <see cref="Names"/>.</exception>
    public static GenerationTaskFamily Parse(string name) => name switch
    {
        "translation" => GenerationTaskFamily.Translation,
        "nlg" => GenerationTaskFamily.Nlg,
        "summarization" => GenerationTaskFamily.Summarization,
        _ => throw new ArgumentException($"task family '{name}' is not one of {string.Join(", ", Names)}."),
    };

    /// <summary>The family's meta-training tasks under <paramref name="dataDir"/> (see the class summary).</summary>
    /// <exception cref="DirectoryNotFoundException">The family's folder is missing (the message names it).</exception>
    public static IReadOnlyList<GenerationTask> MetaTraining(GenerationTaskFamily family, string dataDir)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDir);
        return family switch
        {
            GenerationTaskFamily.Translation => TranslationTasks.Tatoeba(dataDir),
            GenerationTaskFamily.Nlg => NlgMetaTraining(dataDir),
            GenerationTaskFamily.Summarization => [SummarizationTasks.ConvoSummEmail(dataDir, "validation")],
            _ => throw new ArgumentOutOfRangeException(nameof(family), family, "unknown task family"),
        };
    }

    private static List<GenerationTask> NlgMetaTraining(string dataDir)
    {
        var rnnlg = NlgTasks.Rnnlg(dataDir, "train").Select(t => t with { Name = "rnnlg-" + t.Name });
        var sgdTest = NlgTasks.FewShotSgd(dataDir, "test").ToDictionary(t => t.Name, StringComparer.Ordinal);
        var sgd = NlgTasks.FewShotSgd(dataDir, "train").Select(t => t with
        {
            Pairs = [.. t.Pairs, .. sgdTest.TryGetValue(t.Name, out var test) ? test.Pairs : []],
        });
        return [.. rnnlg, .. sgd];
    }

    /// <summary>
    /// The tasks named in <paramref name="names"/> (in that order), or all of <paramref name="tasks"/> when it is null or empty.
    /// </summary>
    /// <exception cref="ArgumentException">A name is not a task's (the message names it and lists some that exist).</exception>
    public static IReadOnlyList<GenerationTask> Select(IReadOnlyList<GenerationTask> tasks, IReadOnlyList<string>? names)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        if (names is null || names.Count == 0) return tasks;
        var byName = tasks.ToDictionary(t => t.Name, StringComparer.Ordinal);
        return [.. names.Select(n => byName.TryGetValue(n, out var t) ? t
            : throw new ArgumentException($"no task named '{n}'; there are {tasks.Count}, e.g. {string.Join(", ", tasks.Take(8).Select(x => x.Name))}."))];
    }
}
