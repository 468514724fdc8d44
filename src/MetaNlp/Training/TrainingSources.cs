using MetaNlp.Data;
using MetaNlp.Models;

namespace MetaNlp.Training;

/// <summary>
/// What a training run draws from: training and validation episodes, the texts its vocabulary comes from, its class
/// split, the episode shape actually sampled, and for a fixed-support dataset the K of the support set trained on.
/// </summary>
/// <param name="Train">Training episodes.</param>
/// <param name="Validation">Validation episodes; null where there are none (the last weights are kept).</param>
/// <param name="VocabularyTexts">The texts the model's vocabulary is built from (<see cref="ProtocolParts.VocabularyExamples"/>).</param>
/// <param name="Split">The class split trained on, for the model's spec; null for ARSC and fixed support sets.</param>
/// <param name="Sampling">The episode shape actually sampled (a fixed support set sets shots and queries from its K).</param>
public sealed record TrainingSources(IEpisodeSource Train, IEpisodeSource? Validation, IEnumerable<string> VocabularyTexts, ClassSplit? Split, EpisodeSamplerOptions Sampling)
{
    /// <summary>The labelled examples training draws from, for the contrastive stage (ARSC's labels prefixed by their task, since every task has the same two).</summary>
    public required IReadOnlyList<TextExample> LabelledExamples { get; init; }

    /// <summary>K of the fixed support set the episodes come from (DNNC), else null.</summary>
    public int? SupportShots { get; init; }

    /// <summary>The data's unlabelled texts (<see cref="TextDataset.Unlabeled"/>), which the self-supervised contrastive stage reads.</summary>
    public IReadOnlyList<string> UnlabeledTexts { get; init; } = [];

    /// <summary>The texts a run's vocabulary is built from (<see cref="ContrastiveOptions.VocabularyTexts"/> of <see cref="VocabularyTexts"/> and <see cref="UnlabeledTexts"/>).</summary>
    public IEnumerable<string> VocabularyTextsFor(ContrastiveOptions contrastive)
    {
        ArgumentNullException.ThrowIfNull(contrastive);
        return contrastive.VocabularyTexts(VocabularyTexts, UnlabeledTexts);
    }

    /// <summary>
    /// The sources for <paramref name="data"/>'s protocol. Episodic data: episodes over the split's training and
    /// validation classes. ARSC: episodes of the meta-training tasks' training files, validated on the 12 target
    /// tasks' development files (their training files are the test supports and their test files the queries, so
    /// neither is seen). A fixed support set of an all-classes benchmark (DNNC) with no class split given:
    /// episodes drawn from the support set itself (all classes, K examples each: fine-tuning on the few labelled
    /// examples, as DNNC, CPFT and SetFit do; each class's K examples split into K/2 support and K - K/2 query
    /// examples per episode), validated by the whole support set against the validation part's utterances
    /// (<see cref="FixedSupportValidation"/>; FewCLUE on episodes of its validation part). Any other data trains episodically on
    /// its class split.
    /// </summary>
    /// <param name="data">The data with its protocol.</param>
    /// <param name="sampling">The episode shape asked for.</param>
    /// <param name="seed">Seed of the training episodes; validation episodes use <paramref name="seed"/> + 1.</param>
    /// <exception cref="ArgumentException">The data cannot be trained on: no class split or no training classes, a support class with fewer than 2 examples, or a protocol without meta-training data.</exception>
    public static TrainingSources From(ProtocolData data, EpisodeSamplerOptions sampling, int seed)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(sampling);
        return ForParts(data, sampling, seed) with { UnlabeledTexts = data.Dataset.Unlabeled };
    }

    private static TrainingSources ForParts(ProtocolData data, EpisodeSamplerOptions sampling, int seed)
    {
        switch (data.Parts)
        {
            case ArscParts { Tasks: var tasks }:
                var labelled = tasks.TrainingExamples(data.Dataset);
                return new TrainingSources(tasks.TrainingEpisodes(data.Dataset, sampling, seed), tasks.ValidationEpisodes(data.Dataset, sampling, seed + 1),
                    labelled.Select(e => e.Text), null, sampling)
                {
                    LabelledExamples = labelled,
                };
            case FewJointParts { Episodes: var episodes }:
                var utterances = episodes.TrainingExamples(data.Dataset);
                return new TrainingSources(episodes.TrainingEpisodes(data.Dataset, sampling, seed), episodes.ValidationEpisodes(data.Dataset, sampling),
                    utterances.Select(e => e.Text), null, sampling)
                {
                    LabelledExamples = utterances,
                };
            // Only an all-classes benchmark fine-tunes on its support set; the out-of-scope benchmark
            // (clinc150-oos) trains episodically on a class split given with it.
            case FixedSupportParts parts when data.Split is null && data.Kind == BenchmarkKind.AllClasses:
                return FromSupport(data, parts, sampling, seed);
            case EpisodicParts or FixedSupportParts:
                break;
            default:
                throw new ArgumentException(
                    $"'{data.Name}' is a {data.Kind} benchmark without meta-training classes; train on an episodic dataset " +
                    $"(e.g. intent-banking77) and evaluate on it with `metanlp eval --model DIR/model.ckpt --dataset {data.Name}`.");
        }
        var split = data.RequireSplit();
        if (split.Train.Count == 0) throw new ArgumentException($"Training needs meta-training classes, and the class split of '{data.Name}' has none: give --train-classes or a train list in the --split file.");
        var train = new EpisodeSampler(data.Dataset.All, split.Train, sampling, seed);
        var check = split.Validation.Count >= 2 ? new EpisodeSampler(data.Dataset.All, split.Validation, sampling, seed + 1) : null;
        var examples = data.VocabularyExamples();
        return new TrainingSources(train, check, examples.Select(e => e.Text), split, sampling) { LabelledExamples = examples };
    }

    private static TrainingSources FromSupport(ProtocolData data, FixedSupportParts parts, EpisodeSamplerOptions sampling, int seed)
    {
        var support = data.Dataset.Part(parts.Support);
        var classes = support.Select(e => e.Label).Distinct().ToArray();
        // The support file (K per class) was picked when loading (--shots); each episode splits a class's K
        // examples into K/2 support and K - K/2 query examples. A class with a single example (FewCLUE IFLYTEK has
        // some) cannot be split, so it sits out of the training episodes but stays in the support set the model is
        // evaluated with.
        var sizes = support.GroupBy(e => e.Label).Select(g => g.Count()).ToArray();
        int k = sizes.Where(n => n >= 2).DefaultIfEmpty(sizes.Min()).Min();
        if (k < 2 || sizes.Count(n => n >= 2) < 2) throw new ArgumentException($"'{data.Name}' {parts.Support} has fewer than two classes with 2 or more examples; fine-tuning on it needs them.");
        sampling = sampling with { Shots = k / 2, Queries = k - k / 2, SkipSmallClasses = sampling.SkipSmallClasses || sizes.Min() < 2 };
        // An all-classes test (DNNC) is validated the way it is tested: the whole support set against every
        // validation utterance (FixedSupportValidation). FewCLUE keeps episodes drawn from its validation part, with
        // which its recipes were measured: cut to that part's own smallest class of 2 or more (its dev_k are as small
        // as the training sets, and not balanced), leaving out a class with fewer.
        IEpisodeSource? validation = null;
        if (parts.Validation is { } part && data.Dataset.HasPart(part))
        {
            var dev = data.Dataset.Part(part);
            if (parts.ValidationFitsSmallestClass)
            {
                int kv = Math.Min(k, dev.GroupBy(e => e.Label).Select(g => g.Count()).Where(n => n >= 2).DefaultIfEmpty(k).Min());
                validation = new EpisodeSampler(dev, dev.Select(e => e.Label).Distinct().ToArray(), sampling with { Shots = kv / 2, Queries = kv - kv / 2, SkipSmallClasses = true }, seed + 1);
            }
            else
            {
                validation = new FixedSupportValidation(support, dev);
            }
        }
        return new TrainingSources(new EpisodeSampler(support, classes, sampling, seed), validation, data.VocabularyExamples().Select(e => e.Text), null, sampling)
        {
            SupportShots = k,
            LabelledExamples = support,
        };
    }
}
