using System.Diagnostics;

namespace MetaNlp.Generation;

/// <summary>
/// A meta-training run of a <see cref="GenerationModel"/> over tasks (<see cref="GenerationMetaTrainer.Step"/> repeated),
/// saved to one file every <see cref="GenerationRunOptions.CheckpointEvery"/> steps, at the end and when cancelled, and
/// resumable from that file: a run stopped after step s and resumed equals the run that never stopped, weight for
/// weight, because step s + 1 draws its tasks from <c>Random(f(seed, s + 1))</c> and the update is plain SGD (no
/// optimizer state to lose) or Adam, whose moments are saved in the same file (<see cref="GenerationOuterAdam"/>).
/// </summary>
public static class GenerationRun
{
    /// <summary>
    /// Runs meta-steps from <paramref name="state"/>'s <see cref="GenerationRunState.StepsDone"/> (0 for a new run)
    /// up to <see cref="GenerationRunOptions.Steps"/>, updating <paramref name="model"/>'s weights in place and saving
    /// to <paramref name="path"/>.
    /// </summary>
    /// <param name="model">The model to train (its weights are changed).</param>
    /// <param name="tasks">The meta-training tasks, as ids of the model's vocabulary, with their names (the names are saved and checked on resume).</param>
    /// <param name="options">The run's options (a resumed run must pass the saved ones: <see cref="GenerationRunState.Options"/>).</param>
    /// <param name="path">The file the model and state are saved to.</param>
    /// <param name="state">The saved state to continue from (read from <paramref name="path"/>, which also holds the outer Adam's moments), or null for a new run.</param>
    /// <param name="onStep">Called after each step with the step number and its loss.</param>
    /// <param name="cancellation">Stops the run after the current step (the state is saved, then <see cref="OperationCanceledException"/> is thrown).</param>
    /// <returns>The state after the last step (also saved).</returns>
    /// <exception cref="ArgumentException">The tasks differ from the saved run's, or the options do.</exception>
    public static GenerationRunState Train(GenerationModel model, IReadOnlyList<(string Name, IReadOnlyList<EncodedPair> Pairs)> tasks, GenerationRunOptions options, string path,
        GenerationRunState? state = null, Action<int, double>? onStep = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tasks);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        options.Validate();
        if (tasks.Count == 0) throw new ArgumentException("meta-training needs at least one task.", nameof(tasks));
        var names = tasks.Select(t => t.Name).ToList();
        if (state is not null)
        {
            if (!state.Tasks.SequenceEqual(names, StringComparer.Ordinal))
                throw new ArgumentException($"the saved run was trained on other tasks ({string.Join(", ", state.Tasks)}), not {string.Join(", ", names)}.", nameof(tasks));
            if (options with { Steps = 0 } != state.Options with { Steps = 0 })
                throw new ArgumentException("the saved run has other options than these (only the number of steps may change on resume).", nameof(options));
        }
        var current = state ?? new GenerationRunState(0, options, names, 0, null);
        current = current with { Options = options };
        var pairs = tasks.Select(t => t.Pairs).ToList();
        using var adam = options.Meta.OuterOptimizer != GenerationMetaOptions.Adam ? null
            : state is null ? new GenerationOuterAdam(model.Weights) : GenerationOuterAdam.Read(path, model.Weights, state.StepsDone);
        var clock = Stopwatch.StartNew();
        var sinceSave = 0;
        GenerationRunState Snapshot() => current with { TrainSeconds = current.TrainSeconds + clock.Elapsed.TotalSeconds };
        try
        {
            while (current.StepsDone < options.Steps)
            {
                cancellation.ThrowIfCancellationRequested();
                var step = current.StepsDone + 1;
                var loss = GenerationMetaTrainer.Step(model.Transformer, model.Weights, pairs, options.Meta, StepRandom(options.Seed, step), adam);
                current = current with { StepsDone = step, LastLoss = loss };
                onStep?.Invoke(step, loss);
                if (++sinceSave >= options.CheckpointEvery)
                {
                    model.Save(path, Snapshot(), adam?.State);
                    sinceSave = 0;
                }
            }
        }
        finally
        {
            // Saved at the end, when cancelled and after a failed step alike, so no finished step is lost.
            current = Snapshot();
            model.Save(path, current, adam?.State);
        }
        return current;
    }

    /// <summary>The random source of one step: a function of the seed and the step number only, so a resumed run draws what the uninterrupted one drew.</summary>
    public static Random StepRandom(int seed, int step) => new(unchecked((seed * 1_000_003) ^ (step * 7_919)));
}
