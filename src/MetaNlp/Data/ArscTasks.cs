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
public sealed record ArscTasks(IReadOnlyList<ArscTask> TargetTasks, IReadOnlyList<ArscTask> TrainingTasks, IReadOnlyList<string> MissingFiles);
