using MetaNlp.Algorithms;
using MetaNlp.Data;

namespace MetaNlp.Evaluation;

/// <summary>
/// A benchmark's evaluation in one call: the protocol the data carries (<see cref="ProtocolData.Parts"/>) decides
/// what runs. Episodic data: seeded test episodes over a class pool, mean with its 95% interval. A fixed support
/// set: one adaptation, the whole query set at once (per-class scores and the confusion matrix), then the
/// out-of-scope protocol where the data has its parts. ARSC: each target task on its own support set, the mean
/// over the tasks; FewJoint: each shipped test episode the same way. The CLI's <c>metanlp eval</c> and the library's callers run the same code.
/// </summary>
public static class ProtocolEvaluator
{
    /// <summary>Evaluates <paramref name="learner"/> on <paramref name="data"/> by its protocol.</summary>
    /// <param name="learner">The learner, adapted to each episode's or task's support set.</param>
    /// <param name="data">The data with its protocol (<see cref="LoadedDataset.ForProtocol"/>, or <see cref="ProtocolData.Episodic"/> for a user's file).</param>
    /// <param name="options">Episode shape, count, class pool, seed and progress; null for the defaults.</param>
    /// <returns>The protocol's report: <see cref="EpisodicReport"/>, <see cref="AllClassesReport"/> or <see cref="ArscReport"/>.</returns>
    /// <exception cref="ArgumentException">The class pool is empty, or the episode shape does not fit the data.</exception>
    public static ProtocolReport Evaluate(IFewShotLearner learner, ProtocolData data, ProtocolEvaluationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(learner);
        ArgumentNullException.ThrowIfNull(data);
        options ??= new ProtocolEvaluationOptions();
        if (options.EpisodeAccuracies is not null && data.Parts is not EpisodicParts)
            throw new ArgumentException($"'{data.Name}' is evaluated by its {data.Kind} protocol on fixed support sets, in this process; only sampled test episodes are spread over other processes (leave out --cluster).");
        return data.Parts switch
        {
            EpisodicParts => Episodes(learner, data, options),
            FixedSupportParts parts => FixedSupport(learner, data, parts, options.OnProgress),
            ArscParts parts => Arsc(learner, data, parts, options.OnProgress),
            FewJointParts parts => FewJoint(learner, data, parts, options.OnProgress),
            _ => throw new NotSupportedException($"Evaluating the {data.Parts.GetType().Name} protocol of '{data.Name}' is not built yet."),
        };
    }

    /// <summary>
    /// The test episodes that <see cref="Evaluate"/> draws from episodic data: the seeded sampler over the class pool
    /// of <paramref name="options"/> and how many episodes (the benchmark's count unless the options give one).
    /// </summary>
    /// <exception cref="ArgumentException">The data is not episodic, its class pool is empty, or the episode shape does not fit it.</exception>
    public static (EpisodeSampler Episodes, int Count) EpisodicTest(ProtocolData data, ProtocolEvaluationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        options ??= new ProtocolEvaluationOptions();
        if (data.Parts is not EpisodicParts)
            throw new ArgumentException($"'{data.Name}' is evaluated by its {data.Kind} protocol, not in sampled test episodes.", nameof(data));
        var sampling = (options.Sampling ?? data.Protocol?.EpisodeShape ?? new EpisodeSamplerOptions()) with { AllowFewerWays = true };
        sampling.Validate();
        var split = data.Split;
        IReadOnlyList<string> pool = options.Classes == ClassPool.All || split is null ? data.Dataset.Classes : options.Classes switch
        {
            ClassPool.Train => split.Train,
            ClassPool.Validation => split.Validation,
            _ => split.Test,
        };
        if (pool.Count == 0)
        {
            string which = options.Classes switch { ClassPool.Train => "train", ClassPool.Validation => "val", _ => "test" };
            throw new ArgumentException($"The class split of '{data.Name}' has no {which} classes to evaluate: give --{which}-classes, or choose others with --classes.");
        }
        return (new EpisodeSampler(data.Dataset.All, pool, sampling, options.Seed), options.Episodes ?? data.Protocol?.TestEpisodes ?? 1000);
    }

    private static EpisodicReport Episodes(IFewShotLearner learner, ProtocolData data, ProtocolEvaluationOptions options)
    {
        var (sampler, n) = EpisodicTest(data, options);
        var result = EpisodeEvaluator.Evaluate(learner, sampler, n, i => options.OnProgress?.Invoke(new EvaluationProgress(EvaluationProgress.EpisodesStage, i, n)), options.EpisodeAccuracies);
        return new EpisodicReport(data.Name, data.Kind, options.Classes, sampler.Options, sampler.Ways, result) { Note = sampler.Note };
    }

    private static AllClassesReport FixedSupport(IFewShotLearner learner, ProtocolData data, FixedSupportParts parts, Action<EvaluationProgress>? onProgress)
    {
        var d = data.Dataset;
        var support = d.Part(parts.Support);
        var query = d.Part(parts.Query);
        var all = AllClassesEvaluator.Evaluate(learner, support, query,
            progress: (done, total) => onProgress?.Invoke(new EvaluationProgress(EvaluationProgress.EpisodesStage, done, total)));
        OutOfScopeResult? outOfScope = null;
        if (parts.OutOfScope is { } oos)
        {
            outOfScope = OutOfScopeEvaluator.Evaluate(learner, support, d.Part(oos.InScopeValidation), d.Part(oos.Validation), query, d.Part(oos.Test),
                progress: (done, total) => onProgress?.Invoke(new EvaluationProgress(EvaluationProgress.OutOfScopeStage, done, total)));
        }
        return new AllClassesReport(data.Name, data.Kind, parts, all, outOfScope);
    }

    private static ArscReport Arsc(IFewShotLearner learner, ProtocolData data, ArscParts parts, Action<EvaluationProgress>? onProgress)
    {
        var targets = parts.Tasks.TargetTasks;
        int done = 0;
        var result = ArscEvaluator.Evaluate(learner, data.Dataset, targets,
            taskDone: t => onProgress?.Invoke(new EvaluationProgress(EvaluationProgress.ArscStage, ++done, targets.Count, t.Task)));
        return new ArscReport(data.Name, data.Kind, result);
    }

    private static ArscReport FewJoint(IFewShotLearner learner, ProtocolData data, FewJointParts parts, Action<EvaluationProgress>? onProgress)
    {
        var test = parts.Episodes.Test;
        int done = 0;
        var result = FewJointEvaluator.Evaluate(learner, data.Dataset, test,
            episodeDone: t => onProgress?.Invoke(new EvaluationProgress(EvaluationProgress.ArscStage, ++done, test.Count, t.Task)));
        return new ArscReport(data.Name, data.Kind, result);
    }
}
