using MetaNlp.Algorithms;
using MetaNlp.Data;

namespace MetaNlp.Evaluation;

/// <summary>One ARSC target task's score.</summary>
/// <param name="Task">Task name, e.g. "books.t2".</param>
/// <param name="Accuracy">Accuracy over its queries.</param>
/// <param name="BalancedAccuracy">Mean of the two labels' recalls (the test files are imbalanced).</param>
/// <param name="Queries">Queries classified.</param>
/// <param name="Classes">Classes in the task's support set (N).</param>
/// <param name="Shots">Support examples per class (K), rounded.</param>
public sealed record ArscTaskResult(string Task, double Accuracy, double BalancedAccuracy, int Queries, int Classes, int Shots)
{
    /// <summary>The task's line from its all-classes result (the support set adapted to, every query scored).</summary>
    public static ArscTaskResult From(string task, AllClassesResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new(task, result.Accuracy.Mean, result.BalancedAccuracy, result.QuerySize, result.Classes, result.ShotsPerClass);
    }
}

/// <summary>The ARSC protocol's report: per task, and the means over the tasks.</summary>
/// <param name="Tasks">Each target task's result, in the order given.</param>
/// <param name="Accuracy">Mean accuracy over the tasks with its 95% interval (the published number).</param>
/// <param name="BalancedAccuracy">Mean balanced accuracy over the tasks.</param>
public sealed record ArscResult(IReadOnlyList<ArscTaskResult> Tasks, AccuracySummary Accuracy, double BalancedAccuracy)
{
    /// <summary>The report over <paramref name="tasks"/>: mean accuracy with its interval over the tasks, and mean balanced accuracy.</summary>
    /// <exception cref="ArgumentException">No task (<paramref name="what"/> names what was missing).</exception>
    public static ArscResult Over(IReadOnlyList<ArscTaskResult> tasks, string what)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        if (tasks.Count == 0) throw new ArgumentException($"No {what} to evaluate.", nameof(tasks));
        return new(tasks, AccuracySummary.FromValues([.. tasks.Select(r => r.Accuracy)]), tasks.Average(r => r.BalancedAccuracy));
    }

    /// <summary>Classes per task (2 in ARSC) when every task has the same; null where they differ.</summary>
    public int? Ways => Common(t => t.Classes);

    /// <summary>Support examples per class (5 in ARSC) when every task has the same; null where they differ.</summary>
    public int? Shots => Common(t => t.Shots);

    private int? Common(Func<ArscTaskResult, int> value) => Tasks.Select(value).Distinct().ToArray() is [int only] ? only : null;
}

/// <summary>
/// The ARSC protocol (Yu et al. 2018): each target task adapted to its own fixed 5 + 5 support set (its
/// <c>.train</c> file) and scored on its <c>.test</c> file; the mean over the tasks.
/// </summary>
public static class ArscEvaluator
{
    /// <summary>Scores <paramref name="learner"/> on <paramref name="targets"/> (the protocol: all 12 of <see cref="ArscTasks.TargetTasks"/>).</summary>
    /// <param name="learner">The learner, adapted once per task.</param>
    /// <param name="dataset">The loaded ARSC dataset (its parts are the task files).</param>
    /// <param name="targets">The tasks to score.</param>
    /// <param name="queriesPerLabel">Null for every test review (the protocol); else only the first this many of each label, which makes accuracy balanced (quick checks).</param>
    /// <param name="taskDone">Called with each task's result as soon as it is scored (for progress).</param>
    public static ArscResult Evaluate(IFewShotLearner learner, TextDataset dataset, IEnumerable<ArscTask> targets, int? queriesPerLabel = null, Action<ArscTaskResult>? taskDone = null)
    {
        ArgumentNullException.ThrowIfNull(learner);
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(targets);
        if (queriesPerLabel is < 1) throw new ArgumentOutOfRangeException(nameof(queriesPerLabel), queriesPerLabel, "At least one query per label.");
        var results = new List<ArscTaskResult>();
        foreach (var task in targets)
        {
            IReadOnlyList<TextExample> queries = dataset.Part(task.TestPart);
            if (queriesPerLabel is int k) queries = [.. queries.GroupBy(e => e.Label).SelectMany(g => g.Take(k))];
            var r = AllClassesEvaluator.Evaluate(learner, dataset.Part(task.TrainPart), queries);
            results.Add(ArscTaskResult.From(task.Name, r));
            taskDone?.Invoke(results[^1]);
        }
        return ArscResult.Over(results, "ARSC task");
    }
}
