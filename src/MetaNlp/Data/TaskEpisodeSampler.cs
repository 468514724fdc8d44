namespace MetaNlp.Data;

/// <summary>
/// Episodes from a set of tasks, each its own labelled pool (ARSC: every domain x rating-threshold task is a binary
/// task whose labels, 1 and -1, mean different things in different tasks): episode i picks a task from (seed, i),
/// then draws an episode of that task's classes, so the classes of one episode always come from one task.
/// </summary>
public sealed class TaskEpisodeSampler : IEpisodeSource
{
    private readonly EpisodeSampler[] _tasks;
    private readonly int _seed;

    /// <summary>Builds one sampler per task; a task whose classes are too small is an error naming the task.</summary>
    public TaskEpisodeSampler(IReadOnlyList<(string Name, IReadOnlyList<TextExample> Pool)> tasks, EpisodeSamplerOptions options, int seed)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        Options = options ?? throw new ArgumentNullException(nameof(options));
        options.Validate();
        if (tasks.Count == 0) throw new ArgumentException("No tasks to sample episodes from.", nameof(tasks));
        _seed = seed;
        _tasks = tasks.Select((task, i) =>
        {
            try
            {
                return new EpisodeSampler(task.Pool, task.Pool.Select(e => e.Label).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray(), options, seed + i);
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"Task '{task.Name}': {e.Message}", e);
            }
        }).ToArray();
        TaskNames = tasks.Select(t => t.Name).ToArray();
        Ways = _tasks.Min(t => t.Ways);
        if (_tasks.Any(t => t.Ways != Ways)) throw new ArgumentException("Every task must give episodes of the same number of ways.", nameof(tasks));
        Note = _tasks.Select(t => t.Note).FirstOrDefault(n => n is not null);
    }

    /// <inheritdoc />
    public EpisodeSamplerOptions Options { get; }

    /// <inheritdoc />
    public int Ways { get; }

    /// <inheritdoc />
    public string? Note { get; }

    /// <summary>The tasks, in order.</summary>
    public IReadOnlyList<string> TaskNames { get; }

    /// <summary>The task episode <paramref name="index"/> is drawn from.</summary>
    public int TaskOf(long index) => new Random(EpisodeSampler.EpisodeSeed(~_seed, index)).Next(_tasks.Length);

    /// <inheritdoc />
    public Episode Sample(long index) => _tasks[TaskOf(index)].Sample(index);
}
