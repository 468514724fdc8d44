namespace MetaNlp.Data;

/// <summary>One ARSC binary task: a domain and a rating threshold ("books", "t2").</summary>
/// <param name="DomainName">Product domain, e.g. "books".</param>
/// <param name="Threshold">Rating threshold task, "t2", "t4" or "t5".</param>
public sealed record ArscTask(string DomainName, string Threshold)
{
    /// <summary>Task name, e.g. "books.t2" (the <see cref="TextExample.Domain"/> of its examples).</summary>
    public string Name => $"{DomainName}.{Threshold}";

    /// <summary>The part holding the task's training file (for a target task: the 5-shot support set).</summary>
    public string TrainPart => $"{Name}.train";

    /// <summary>The part holding the task's validation file.</summary>
    public string DevPart => $"{Name}.dev";

    /// <summary>The part holding the task's test file (for a target task: the queries).</summary>
    public string TestPart => $"{Name}.test";
}

/// <summary>
/// The ARSC protocol's tasks: 12 target tasks (target domains x t2/t4/t5; support = .train, query = .test) and
/// the meta-training tasks (the other listed domains' tasks whose .train file exists).
/// </summary>
/// <param name="TargetTasks">The 12 target (test) tasks.</param>
/// <param name="TrainingTasks">Meta-training tasks whose .train file exists.</param>
/// <param name="MissingFiles">Files of listed non-target domains that are absent (stems such as "music.t2.train"); their tasks are skipped when the .train file is missing.</param>
public sealed record ArscTasks(IReadOnlyList<ArscTask> TargetTasks, IReadOnlyList<ArscTask> TrainingTasks, IReadOnlyList<string> MissingFiles)
{
    /// <summary>Meta-training episodes: each from one training task's <c>.train</c> file.</summary>
    public TaskEpisodeSampler TrainingEpisodes(TextDataset dataset, EpisodeSamplerOptions options, int seed) =>
        new(Pools(dataset, TrainingTasks, t => t.TrainPart), options, seed);

    /// <summary>
    /// Validation episodes: each from one target task's <c>.dev</c> file (its <c>.train</c> file is the test
    /// support and its <c>.test</c> file the queries, so neither is seen before the test).
    /// </summary>
    public TaskEpisodeSampler ValidationEpisodes(TextDataset dataset, EpisodeSamplerOptions options, int seed) =>
        new(Pools(dataset, TargetTasks, t => t.DevPart), options, seed);

    /// <summary>The meta-training tasks' labelled examples, each label prefixed by its task (every task has the same two labels).</summary>
    public IReadOnlyList<TextExample> TrainingExamples(TextDataset dataset) =>
        [.. TrainingTasks.SelectMany(t => dataset.Part(t.TrainPart).Select(e => e with { Label = $"{t.Name}/{e.Label}" }))];

    private static (string Name, IReadOnlyList<TextExample> Pool)[] Pools(TextDataset dataset, IReadOnlyList<ArscTask> tasks, Func<ArscTask, string> part)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return [.. tasks.Select(t => (t.Name, dataset.Part(part(t))))];
    }
}
