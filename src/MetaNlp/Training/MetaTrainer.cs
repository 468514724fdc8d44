using System.Diagnostics;
using MetaNlp.Algorithms;
using MetaNlp.Data;
using MetaNlp.Evaluation;
using MetaNlp.Functional;
using MetaNlp.Models;
using MetaNlp.Workarounds;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static MetaNlp.Workarounds.Scalars;

namespace MetaNlp.Training;

/// <summary>
/// Episodic meta-training with Adam (or SGD): meta-batches of episodes, validation on the validation classes every N
/// episodes, early stopping with patience, the best weights kept in <c>model.ckpt</c>, and a resumable training
/// state in <c>train-state.ckpt</c> (both written atomically) so a killed run continues where it was saved.
/// </summary>
public sealed class MetaTrainer
{
    /// <summary>File name of the best model in the output folder.</summary>
    public const string ModelFileName = "model.ckpt";

    /// <summary>File name of the resumable training state in the output folder.</summary>
    public const string StateFileName = "train-state.ckpt";

    private const int WarmUpEpisodes = 5;

    /// <summary>Called after every optimizer step and every validation.</summary>
    public Action<TrainingEvent>? OnProgress { get; set; }

    /// <summary>
    /// Where each step's meta-gradient is computed: in this process (<see cref="LocalMetaGradient"/>, the default), or
    /// by a cluster's workers (<c>MetaNlp.Cluster</c>). Everything else (the optimizer, validation, checkpoints,
    /// resuming) stays here, so a distributed run is this trainer with another gradient source.
    /// </summary>
    public IMetaGradientSource Gradients { get; init; } = LocalMetaGradient.Instance;

    /// <summary>
    /// Where the validation episodes are scored, given the model being trained (its weights at that validation): null
    /// for this process; a cluster's coordinator (<c>MetaNlp.Cluster.ClusterEvaluation</c>) spreads them over its
    /// workers. The accuracies, and so the model kept, are the same either way.
    /// </summary>
    public Func<FewShotModel, IEpisodeAccuracySource>? ValidationAccuracies { get; init; }

    /// <summary>Called with the encoder's warnings (<see cref="Encoders.TextEncoder.Warning"/>), such as a full cache.</summary>
    public Action<string>? OnWarning { get; set; }

    /// <summary>
    /// Refuses an output folder that already holds a run's model or training state. A new run into it would leave that
    /// run's model in place until its own first save, so a run that stops before it (or fails) would report someone
    /// else's model as its result. <see cref="Train"/> checks it; callers with stages before training (the contrastive
    /// stages) check it first, so that a refusal does not come after their work.
    /// </summary>
    /// <exception cref="IOException">The folder holds a model or training state.</exception>
    public static void RefuseExistingRun(string outputDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outputDirectory);
        foreach (var file in new[] { ModelFileName, StateFileName })
        {
            if (File.Exists(Path.Combine(outputDirectory, file)))
                throw new IOException($"'{Path.GetFullPath(outputDirectory)}' already holds a training run ({file}): resume it (--resume, MetaTrainer.Resume), or give a new run another output folder.");
        }
    }

    /// <summary>
    /// Trains a new model; <paramref name="model"/>'s spec gets the training info. LibTorch's generator is seeded
    /// with <see cref="MetaTrainerOptions.Seed"/> plus the episode before each task of a step (each episode of a meta-batch), so a resumed run, or one whose tasks other processes compute, draws
    /// what an uninterrupted one drew; the weight initialisation (done when the model
    /// was built) and the episodes (seeded by their samplers) are the caller's to seed, as
    /// <see cref="Api.MetaLearner.Train(Data.TextDataset, Data.ClassSplit, Api.MetaLearnerOptions?, CancellationToken)"/> does.
    /// Cancelling <paramref name="cancellation"/> saves the training state before the
    /// <see cref="OperationCanceledException"/>, so <see cref="Resume"/> continues from there.
    /// </summary>
    /// <exception cref="IOException"><paramref name="outputDirectory"/> already holds a run's model or training state.</exception>
    /// <exception cref="ArgumentException">An option is out of bounds, or the model has no weight to train (a frozen encoder under a learner without weights of its own).</exception>
    public TrainingResult Train(FewShotModel model, MetaTrainerOptions options, IEpisodeSource train, IEpisodeSource? validation, string outputDirectory, TrainingInfo? info = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(outputDirectory);
        options.Validate();
        RefuseExistingRun(outputDirectory);
        if (!model.Learner.Module.parameters().Any(p => p.requires_grad))
            throw new ArgumentException(
                "Nothing to train: no weight of the model requires a gradient (a frozen encoder, such as MiniLM with no fine-tuned layer, under a learner without weights of its own). " +
                "Use it as it is (FewShotClassifier.FromPretrained, `metanlp eval --encoder minilm`), or train some of its layers (EncoderOptions.FineTuneLayers, --finetune-layers).", nameof(model));
        var optimizer = CreateOptimizer(model, options);
        return Run(model, options, optimizer, new TrainingProgress(), train, validation, outputDirectory, info, cancellation);
    }

    /// <summary>
    /// Continues the run saved in <paramref name="outputDirectory"/> with the options it was started with, its
    /// samplers built as they were (<see cref="ReadSavedRun"/>). <paramref name="maxEpisodes"/> can extend a run that
    /// stopped at its episode limit.
    /// </summary>
    public TrainingResult Resume(string outputDirectory, IEpisodeSource train, IEpisodeSource? validation, int? maxEpisodes = null, CancellationToken cancellation = default)
    {
        string statePath = Path.Combine(outputDirectory, StateFileName);
        var info = ReadSavedRun(outputDirectory);
        var options = info.Trainer! with { MaxEpisodes = maxEpisodes ?? info.Trainer!.MaxEpisodes };
        options.Validate();
        var (model, progress, optimizer) = Checkpoint.LoadTrainingState(statePath, m => CreateOptimizer(m, options));
        if (progress.StoppedAtBudget && progress.EpisodesDone < options.MaxEpisodes)
            progress = progress with { StopReason = null, Stop = null };
        return Run(model, options, optimizer, progress, train, validation, outputDirectory, info, cancellation);
    }

    /// <summary>How the run saved in <paramref name="outputDirectory"/> was started: trainer options, episode shape, data.</summary>
    public static TrainingInfo ReadSavedRun(string outputDirectory)
    {
        string statePath = Path.Combine(outputDirectory, StateFileName);
        var info = Checkpoint.ReadHeader(statePath).Spec.Training;
        if (info?.Trainer is null || info.Episodes is null) throw new InvalidDataException($"'{statePath}' does not record how its run was started, so it cannot resume.");
        return info;
    }

    /// <summary>Whether <paramref name="outputDirectory"/> holds a training state to resume.</summary>
    public static bool CanResume(string outputDirectory) => File.Exists(Path.Combine(outputDirectory, StateFileName));

    private static OptimizerHelper CreateOptimizer(FewShotModel model, MetaTrainerOptions options)
    {
        var parameters = model.Learner.Module.parameters().Where(p => p.requires_grad);
        return options.OuterOptimizer == "sgd"
            ? new ScalarSafeSgd(parameters, options.LearningRate, options.WeightDecay)
            : new ScalarSafeAdam(parameters, options.LearningRate, options.WeightDecay);
    }

    private TrainingResult Run(FewShotModel model, MetaTrainerOptions options, OptimizerHelper optimizer, TrainingProgress progress,
        IEpisodeSource train, IEpisodeSource? validation, string outputDirectory, TrainingInfo? info, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(train);
        NativeHeap.ConfigureForTraining();
        Directory.CreateDirectory(outputDirectory);
        string modelPath = Path.Combine(outputDirectory, ModelFileName);
        string statePath = Path.Combine(outputDirectory, StateFileName);
        info = (info ?? new TrainingInfo()) with { Trainer = options, Episodes = train.Options };
        model = WithInfo(model, info with { EpisodesTrained = progress.EpisodesDone });
        bool validating = validation is not null && options.ValidateEvery > 0;
        var learner = model.Learner;
        model.Embedder.Encoder.Warning += message => OnWarning?.Invoke(message);
        var parameters = learner.Module.parameters().Where(p => p.requires_grad).ToArray();
        if (parameters.Length == 0 && progress.StopReason is null)
            progress = progress with { Stop = TrainingStop.NothingToTrain, StopReason = "nothing to train: no parameter requires a gradient (a frozen encoder and a learner without weights of its own)" };
        // A run killed before its first checkpoint must still be resumable: the state of the untrained model is
        // written before anything else (the validation of the starting weights writes model.ckpt, and a folder with a
        // model but no state could neither resume nor start again).
        var feedback = train as IEpisodeFeedback;
        if (feedback is not null)
        {
            if (Gradients is not LocalMetaGradient)
                throw new ArgumentException($"The {train.GetType().Name} sampler draws each episode from the model's predictions on the ones before it, which only this process sees; use --sampler uniform, balanced or curriculum on a cluster.", nameof(train));
            // The hard sampler's draws depend on what the model got wrong so far: a resumed run continues from the
            // estimates saved with the state, and a state without them cannot continue identically.
            if (progress.SamplerState is { } saved) feedback.Restore(saved);
            else if (progress.EpisodesDone > 0)
                throw new InvalidDataException($"'{statePath}' holds no state of the {train.GetType().Name} sampler after {progress.EpisodesDone} episodes, so the run cannot continue with the episodes it would have drawn; start a new run.");
            if (feedback.Observed != progress.EpisodesDone)
                throw new ArgumentException($"The training sampler has observed {feedback.Observed} episodes, but the run has done {progress.EpisodesDone}: give each run a new sampler.", nameof(train));
            progress = progress with { SamplerState = feedback.State };
        }
        if (progress.EpisodesDone == 0 && !File.Exists(statePath)) Checkpoint.SaveTrainingState(statePath, model, progress, optimizer);
        using var sparseTable = MetaGradient.SparseTableOf(model, options.SparseEmbeddings);
        var clock = new Stopwatch();

        // The starting weights are validated too, so training that never improves on them (a pretrained encoder
        // that meta-training only overfits) keeps them rather than the first validated episode's.
        if (validating && progress.EpisodesDone == 0 && progress.History.Count == 0 && progress.StopReason is null)
        {
            Validate(trainLoss: null);
            OnProgress?.Invoke(new TrainingEvent(0, options.MaxEpisodes, double.NaN, progress.History[^1]));
        }

        while (progress.StopReason is null)
        {
            if (progress.EpisodesDone >= options.MaxEpisodes)
            {
                progress = progress with { Stop = TrainingStop.EpisodeBudget, StopReason = $"reached {options.MaxEpisodes} episodes" };
                break;
            }
            if (cancellation.IsCancellationRequested)
            {
                // Cancelling saves the state first, so the run resumes from here rather than from its last checkpoint.
                Checkpoint.SaveTrainingState(statePath, WithInfo(model, info with { EpisodesTrained = progress.EpisodesDone }), progress, optimizer);
                throw new OperationCanceledException(
                    $"Training was cancelled after {progress.EpisodesDone} episodes; its state is saved in '{Path.GetFullPath(statePath)}': resume it (--resume, MetaTrainer.Resume, MetaLearner.Resume).",
                    cancellation);
            }
            bool timed = progress.EpisodesDone >= WarmUpEpisodes;
            clock.Restart();
            double stepLoss;
            int batch = (int)Math.Min(options.MetaBatchSize, options.MaxEpisodes - progress.EpisodesDone);
            using (var scope = NewDisposeScope())
            {
                learner.Module.zero_grad(set_to_none: true); // no memset of the dense embedding gradient before it is recomputed
                // Each task's randomness (dropout, word dropout, a learner's sampling) comes from the seed and its
                // episode (MetaGradient.TaskSeed), so a resumed run, or one whose tasks were computed by other
                // processes, draws what the uninterrupted single-process run drew. The hard sampler needs each
                // episode's predictions before the next episode is drawn, so its steps are computed here, task by task.
                var gradient = feedback is null
                    ? Gradients.Compute(new MetaStep(model, train, progress.EpisodesDone, batch, options.Seed, sparseTable))
                    : GradientWithFeedback(model, feedback, train, progress.EpisodesDone, batch, options.Seed, sparseTable);
                var rowGradient = gradient.Rows;
                if (options.ClipGradientNorm > 0) ClipGradientNorm(parameters, rowGradient?.Values, options.ClipGradientNorm);
                if (rowGradient is { } rows) ((IRowSparseOptimizer)optimizer).SetRowGradient(sparseTable!.Table, rows.Indices, rows.Values);
                optimizer.step();
                stepLoss = gradient.MeanLoss;
                progress = progress with { EpisodesDone = progress.EpisodesDone + batch, SamplerState = feedback?.State };
            }
            if (timed) progress = progress with { TrainSeconds = progress.TrainSeconds + clock.Elapsed.TotalSeconds, TimedEpisodes = progress.TimedEpisodes + batch };
            if (double.IsNaN(stepLoss) || double.IsInfinity(stepLoss))
                throw new InvalidOperationException($"The training loss became {stepLoss} at episode {progress.EpisodesDone}; lower the learning rate or clip gradients.");
            progress = progress with { LossSinceValidation = progress.LossSinceValidation + stepLoss, StepsSinceValidation = progress.StepsSinceValidation + 1 };
            OnProgress?.Invoke(new TrainingEvent(progress.EpisodesDone, options.MaxEpisodes, stepLoss, null));

            if (validating && Crossed(progress.EpisodesDone, batch, options.ValidateEvery))
            {
                Validate(progress.LossSinceValidation / Math.Max(1, progress.StepsSinceValidation));
                OnProgress?.Invoke(new TrainingEvent(progress.EpisodesDone, options.MaxEpisodes, stepLoss, progress.History[^1]));
            }
            if (Crossed(progress.EpisodesDone, batch, options.CheckpointEvery))
                Checkpoint.SaveTrainingState(statePath, model, progress, optimizer);
        }

        if (!validating || !File.Exists(modelPath))
            Checkpoint.SaveModel(modelPath, WithInfo(model, info with { EpisodesTrained = progress.EpisodesDone, SavedAt = DateTimeOffset.UtcNow }));
        Checkpoint.SaveTrainingState(statePath, model, progress, optimizer);
        return new TrainingResult(modelPath, progress);

        // Scores the current weights on the validation episodes, keeps them if they are the best so far, and stops
        // the run after Patience validations without improvement.
        void Validate(double? trainLoss)
        {
            var result = EpisodeEvaluator.Evaluate(learner, validation!, Math.Min(options.ValidationEpisodes, validation!.DistinctEpisodes ?? int.MaxValue),
                accuracies: ValidationAccuracies?.Invoke(model));
            var point = new ValidationPoint(progress.EpisodesDone, trainLoss, result.Accuracy.Mean, result.Accuracy.Ci95);
            progress = progress with { History = [.. progress.History, point], LossSinceValidation = 0, StepsSinceValidation = 0 };
            if (progress.BestValidationAccuracy is null || point.Accuracy > progress.BestValidationAccuracy)
            {
                progress = progress with { BestValidationAccuracy = point.Accuracy, BestEpisode = point.Episode, ValidationsWithoutImprovement = 0 };
                Checkpoint.SaveModel(modelPath, WithInfo(model, info with { EpisodesTrained = point.Episode, ValidationAccuracy = point.Accuracy, SavedAt = DateTimeOffset.UtcNow }));
            }
            else
            {
                progress = progress with { ValidationsWithoutImprovement = progress.ValidationsWithoutImprovement + 1 };
                if (progress.ValidationsWithoutImprovement >= options.Patience)
                    progress = progress with { Stop = TrainingStop.EarlyStop, StopReason = $"early stop: no improvement in {options.Patience} validations (best {progress.BestValidationAccuracy:P2} at episode {progress.BestEpisode})" };
            }
        }
    }

    // A step's gradient when the training sampler learns from the model's predictions (the hard sampler): each
    // episode's predictions are handed to the sampler before the next episode is drawn.
    private static MetaStepGradient GradientWithFeedback(FewShotModel model, IEpisodeFeedback feedback, IEpisodeSource train, long first, int count, long runSeed, SparseTableRows? table)
    {
        try
        {
            double total = MetaGradient.Accumulate(model, train, Enumerable.Range(0, count).Select(b => first + b), runSeed, count, table,
                (index, episode) => LossWithFeedback(model.Learner, feedback, index, episode));
            return new MetaStepGradient(total / count, table?.Gradient());
        }
        finally
        {
            table?.Clear();
        }
    }

    // The episode's loss, after telling the feedback sampler which class the model gave each query: from the loss's
    // own logits where the learner hands them out, else from adapting it to the support a second time (eval mode, no
    // gradient), so the hard sampler works with every learner.
    private static Tensor LossWithFeedback(IFewShotLearner learner, IEpisodeFeedback feedback, long index, Episode episode)
    {
        int[] predicted;
        Tensor loss;
        if (learner is IEpisodeScorer scorer)
        {
            var (episodeLoss, logits) = scorer.EpisodeLossAndLogits(episode);
            using (logits) predicted = [.. logits.argmax(1).data<long>().Select(p => (int)p)];
            loss = episodeLoss;
        }
        else
        {
            loss = learner.EpisodeLoss(episode);
            learner.Module.eval();
            try
            {
                using var noGrad = no_grad();
                using var classifier = learner.Adapt(episode.Support);
                var positions = episode.Classes.Select((name, k) => (name, k)).ToDictionary(x => x.name, x => x.k, StringComparer.Ordinal);
                predicted = [.. classifier.Predict([.. episode.Query.Select(q => q.Text)]).Select(p => positions[p.Label])];
            }
            finally
            {
                learner.Module.train();
            }
        }
        feedback.Observe(index, episode, predicted);
        return loss;
    }

    // PyTorch's clip_grad_norm_ (total 2-norm over every gradient, scaled by max / (norm + 1e-6) when above max), with
    // the word table's row gradient counted in: its rows hold the only non-zero entries of the table's gradient.
    private static void ClipGradientNorm(Parameter[] parameters, Tensor? rowValues, double maxNorm)
    {
        if (rowValues is null)
        {
            nn.utils.clip_grad_norm_(parameters, maxNorm);
            return;
        }
        using var scope = NewDisposeScope();
        var gradients = parameters.Select(p => p.grad).Where(g => g is not null).Select(g => g!).Append(rowValues).ToArray();
        double total = stack(gradients.Select(g => g.norm()).ToArray()).norm().item<float>();
        double coefficient = maxNorm / (total + 1e-6);
        if (coefficient >= 1) return;
        using var scale = coefficient.ToScalar();
        foreach (var gradient in gradients) gradient.mul_(scale);
    }

    // Whether a step that ended at `done` episodes crossed a multiple of `every`.
    private static bool Crossed(long done, int step, int every) => every > 0 && done / every > (done - step) / every;

    private static FewShotModel WithInfo(FewShotModel model, TrainingInfo info) => model.WithSpec(model.Spec with { Training = info });
}
