using MetaNlp.Data;
using MetaNlp.Models;

namespace MetaNlp.Training;

/// <summary>
/// How a saved run is resumed: the saved run decides the episodes, the seed and every option not given again, so
/// the resumed run sees the episodes it would have seen; the data (dataset, class split, support set, vocabulary)
/// must be the saved run's, and any other option given again must have its saved value, since the checkpoint
/// would otherwise train its weights on something it does not record. <c>metanlp train --resume</c> applies it.
/// </summary>
public sealed class ResumePolicy
{
    // The spec fields the data decides: always compared, given or not.
    private static readonly string[] DataFields = ["training.dataset", "training.split", "training.supportShots", "training.splitIndex", "vocabulary"];

    private ResumePolicy(CheckpointHeader state, TrainingInfo training)
    {
        State = state;
        Training = training;
    }

    /// <summary>The saved training state's header (spec and progress).</summary>
    public CheckpointHeader State { get; }

    /// <summary>How the saved run was started (trainer options, episode shape, data).</summary>
    public TrainingInfo Training { get; }

    /// <summary>The saved run's model spec.</summary>
    public ModelSpec Spec => State.Spec;

    /// <summary>The saved episode shape, exactly (no fewer ways than saved).</summary>
    public EpisodeSamplerOptions Episodes => Training.Episodes! with { AllowFewerWays = false };

    /// <summary>The saved run's seed.</summary>
    public int Seed => Training.Trainer!.Seed;

    /// <summary>
    /// The run saved in <paramref name="outputDirectory"/> when <paramref name="resume"/> asks for it and there is
    /// one; null for a new run (not asked, or nothing saved there). The header is read once.
    /// </summary>
    /// <exception cref="InvalidDataException">The state does not record how its run was started.</exception>
    public static ResumePolicy? Find(string outputDirectory, bool resume)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outputDirectory);
        if (!resume || !MetaTrainer.CanResume(outputDirectory)) return null;
        string statePath = Path.Combine(outputDirectory, MetaTrainer.StateFileName);
        var state = Checkpoint.ReadHeader(statePath);
        if (state.Spec.Training is not { Trainer: not null, Episodes: not null } training)
            throw new InvalidDataException($"'{statePath}' does not record how its run was started, so it cannot resume.");
        return new ResumePolicy(state, training);
    }

    /// <summary>
    /// The recipe the resumed run uses: the saved learner, encoder, trainer and contrastive options (a finished
    /// contrastive stage is not run again), unless <paramref name="encoderChanged"/> (another encoder was asked
    /// for, which the spec comparison then refuses).
    /// </summary>
    public TrainingRecipe Recipe(TrainingRecipe recipe, bool encoderChanged)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        return encoderChanged ? recipe : recipe with
        {
            Algorithm = Spec.Algorithm,
            Encoder = Spec.Encoder,
            Trainer = Training.Trainer!,
            Contrastive = Training.Contrastive ?? recipe.Contrastive with { Epochs = 0, UnlabeledEpochs = 0 },
        };
    }

    /// <summary>
    /// The episode-shape values given again that differ from the saved ones, as (name, saved, requested) with the
    /// names "ways", "shots", "queries". Shots are not compared for a fixed-support run, whose support file (its
    /// K) is data and compared with the spec.
    /// </summary>
    public IReadOnlyList<(string Name, int Saved, int Requested)> ChangedEpisodes(int? ways, int? shots, int? queries)
    {
        var saved = Training.Episodes!;
        var changed = new List<(string, int, int)>();
        if (ways is int w && w != saved.Ways) changed.Add(("ways", saved.Ways, w));
        if (Training.SupportShots is null && shots is int s && s != saved.Shots) changed.Add(("shots", saved.Shots, s));
        if (queries is int q && q != saved.Queries) changed.Add(("queries", saved.Queries, q));
        return changed;
    }

    /// <summary>
    /// The fields of <paramref name="requested"/> that refuse the resume: every data field that differs, and any
    /// other differing field for which <paramref name="given"/> says the caller set it (fields left at their
    /// defaults take the saved values, so they do not count).
    /// </summary>
    /// <param name="requested">The spec the command would build, with its training info.</param>
    /// <param name="given">Whether the caller set the field at this JSON path.</param>
    public IReadOnlyList<SpecChange> Refusals(ModelSpec requested, Func<string, bool> given)
    {
        ArgumentNullException.ThrowIfNull(requested);
        ArgumentNullException.ThrowIfNull(given);
        return [.. SpecChanges.Between(Spec, requested).Where(c => IsDataField(c.Path) || given(c.Path))];
    }

    /// <summary>Whether the spec field at <paramref name="path"/> is decided by the data (dataset, split, support shots, vocabulary).</summary>
    public static bool IsDataField(string path) =>
        DataFields.Any(f => path == f || path.StartsWith(f + ".", StringComparison.Ordinal));
}
