namespace MetaNlp.Models;

/// <summary>Where a training run stands; saved in the training state so a killed run can resume.</summary>
public sealed record TrainingProgress
{
    /// <summary>Training episodes done.</summary>
    public long EpisodesDone { get; init; }

    /// <summary>Best validation accuracy so far.</summary>
    public double? BestValidationAccuracy { get; init; }

    /// <summary>Episode at which the best validation accuracy was reached.</summary>
    public long BestEpisode { get; init; }

    /// <summary>Validations since the last improvement.</summary>
    public int ValidationsWithoutImprovement { get; init; }

    /// <summary>Seconds spent in training steps (validation and checkpoints excluded).</summary>
    public double TrainSeconds { get; init; }

    /// <summary>Training episodes those seconds cover (the first few warm-up episodes are not timed).</summary>
    public long TimedEpisodes { get; init; }

    /// <summary>Sum of the step losses since the last validation (for its mean training loss).</summary>
    public double LossSinceValidation { get; init; }

    /// <summary>Optimizer steps since the last validation.</summary>
    public int StepsSinceValidation { get; init; }

    /// <summary>Why training stopped, once it has, in words for people (see <see cref="Stop"/> for programs).</summary>
    public string? StopReason { get; init; }

    /// <summary>
    /// Why training stopped, once it has; null while it runs, and in training states written before this field
    /// (whose <see cref="StopReason"/> then says it).
    /// </summary>
    public TrainingStop? Stop { get; init; }

    /// <summary>
    /// Whether a run with a larger episode budget would continue from here: it stopped only because it reached its
    /// budget (an early stop or a run with nothing to train is over).
    /// </summary>
    public bool StoppedAtBudget => Stop == TrainingStop.EpisodeBudget
        // States written before Stop existed say it only in words.
        || (Stop is null && StopReason is not null && StopReason.StartsWith("reached", StringComparison.Ordinal));

    /// <summary>
    /// The state of a feedback sampler (<see cref="Data.IEpisodeFeedback"/>, <c>--sampler hard</c>) after
    /// <see cref="EpisodesDone"/> episodes, so a resumed run draws what the uninterrupted run would have; null for
    /// the samplers whose draws depend on the seed alone.
    /// </summary>
    public Data.TaskSamplerState? SamplerState { get; init; }

    /// <summary>Every validation so far.</summary>
    public IReadOnlyList<ValidationPoint> History { get; init; } = [];

    /// <summary>Checks that counts are not negative and numbers finite (a training state's header goes through this when read).</summary>
    /// <exception cref="ArgumentException">A value is out of bounds; the message names it.</exception>
    public void Validate()
    {
        OptionBounds.Check(nameof(EpisodesDone), EpisodesDone, 0, long.MaxValue);
        OptionBounds.Check(nameof(BestEpisode), BestEpisode, 0, long.MaxValue);
        OptionBounds.Check(nameof(TimedEpisodes), TimedEpisodes, 0, long.MaxValue);
        OptionBounds.Check(nameof(ValidationsWithoutImprovement), ValidationsWithoutImprovement, 0, int.MaxValue);
        OptionBounds.Check(nameof(StepsSinceValidation), StepsSinceValidation, 0, int.MaxValue);
        OptionBounds.Check(nameof(TrainSeconds), TrainSeconds, 0, double.MaxValue);
        OptionBounds.Check(nameof(LossSinceValidation), LossSinceValidation, double.MinValue, double.MaxValue);
        if (BestValidationAccuracy is double best) OptionBounds.Check(nameof(BestValidationAccuracy), best, 0, 1);
        if (Stop is { } stop && !Enum.IsDefined(stop)) throw new ArgumentException($"Unknown stop reason {(int)stop}.", nameof(Stop));
        if (SamplerState is { } sampler && (sampler.Sampler is null || sampler.Values is null || sampler.Observed != EpisodesDone || sampler.Values.Any(v => !(v >= 0 && v <= 1))))
            throw new ArgumentException($"The saved sampler state does not match the run: it must have observed the {EpisodesDone} episodes done, with every value from 0 to 1.", nameof(SamplerState));
        if (History is null || History.Any(p => p is null)) throw new ArgumentException("The training history is missing or has an empty entry.", nameof(History));
    }
}

/// <summary>Why a training run stopped.</summary>
public enum TrainingStop
{
    /// <summary>It trained the episodes it was given (<see cref="MetaTrainerOptions.MaxEpisodes"/>); a larger budget continues it.</summary>
    EpisodeBudget,

    /// <summary>Validation did not improve for <see cref="MetaTrainerOptions.Patience"/> validations; the best weights are kept.</summary>
    EarlyStop,

    /// <summary>No weight of the model requires a gradient.</summary>
    NothingToTrain,
}

/// <summary>
/// One validation: the episode, the mean training loss since the previous one (null for the validation of the
/// starting weights, before the first episode), and the validation accuracy.
/// </summary>
public sealed record ValidationPoint(long Episode, double? TrainLoss, double Accuracy, double Ci95);

/// <summary>What the trainer reports while it runs.</summary>
public sealed record TrainingEvent(long Episode, int MaxEpisodes, double Loss, ValidationPoint? Validation);

/// <summary>The outcome of <see cref="Training.MetaTrainer.Train"/>.</summary>
public sealed record TrainingResult(string ModelPath, TrainingProgress Progress)
{
    /// <summary>Training episodes per second (timed episodes only).</summary>
    public double EpisodesPerSecond => Progress.TrainSeconds > 0 ? Progress.TimedEpisodes / Progress.TrainSeconds : 0;
}
