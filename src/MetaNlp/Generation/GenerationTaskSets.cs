namespace MetaNlp.Generation;

/// <summary>
/// The meta-training tasks of each family in the shared data folder, as <c>metanlp train --task-family</c> reads them:
/// translation, the Tatoeba X→English pairs; NLG, the FewShotSGD domains' training shots; summarization, ConvoSumm's
/// email validation threads (one task only: the family has one source in the shared data, so meta-training on it is
/// single-task fine-tuning).
/// </summary>
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
            GenerationTaskFamily.Nlg => NlgTasks.FewShotSgd(dataDir, "train"),
            GenerationTaskFamily.Summarization => [SummarizationTasks.ConvoSummEmail(dataDir, "validation")],
            _ => throw new ArgumentOutOfRangeException(nameof(family), family, "unknown task family"),
        };
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
