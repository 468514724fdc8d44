using MetaNlp.Data;

namespace MetaNlp.Cli;

/// <summary>
/// What a training run draws from: training and validation episodes, the texts its vocabulary comes from, its class
/// split, the episode shape actually sampled, and for a fixed-support dataset the K of the support set trained on.
/// </summary>
internal sealed record TrainingSources(IEpisodeSource Train, IEpisodeSource? Validation, IEnumerable<string> VocabularyTexts, ClassSplit? Split, EpisodeSamplerOptions Sampling)
{
    /// <summary>The labelled examples training draws from, for the contrastive stage (ARSC's labels prefixed by their task, since every task has the same two).</summary>
    public required IReadOnlyList<TextExample> LabelledExamples { get; init; }

    /// <summary>K of the fixed support set the episodes come from (DNNC), else null.</summary>
    public int? SupportShots { get; init; }

    /// <summary>
    /// Episodic datasets: episodes over the split's training and validation classes. ARSC: episodes of the
    /// meta-training tasks' training files, validated on the 12 target tasks' development files (their training
    /// files are the test supports and their test files the queries, so neither is seen). Fixed-support datasets
    /// (DNNC): episodes drawn from the support set itself (all classes, K examples each: fine-tuning on the few
    /// labelled examples, as DNNC, CPFT and SetFit do; each class's K examples split into K/2 support and K - K/2
    /// query examples per episode), validated on episodes of the validation part.
    /// </summary>
    public static TrainingSources From(SelectedData selected, EpisodeSamplerOptions sampling, int seed)
    {
        if (selected.Registry?.ArscTasks is { } tasks)
        {
            var labelled = tasks.TrainingExamples(selected.Dataset);
            return new TrainingSources(tasks.TrainingEpisodes(selected.Dataset, sampling, seed), tasks.ValidationEpisodes(selected.Dataset, sampling, seed + 1),
                labelled.Select(e => e.Text), null, sampling)
            {
                LabelledExamples = labelled,
            };
        }
        if (selected.Registry is { Protocol.Kind: BenchmarkKind.AllClasses, SupportPart: { } supportPart } fixedSupport && selected.Split is null)
        {
            var support = selected.Dataset.Part(supportPart);
            var classes = support.Select(e => e.Label).Distinct().ToArray();
            // --shots picked the support file (K per class); each episode splits a class's K examples into
            // K/2 support and K - K/2 query examples.
            // A class with a single example (FewCLUE IFLYTEK has some) cannot be split, so it sits out of the training
            // episodes but stays in the support set the model is evaluated with.
            var sizes = support.GroupBy(e => e.Label).Select(g => g.Count()).ToArray();
            int k = sizes.Where(n => n >= 2).DefaultIfEmpty(sizes.Min()).Min();
            if (k < 2 || sizes.Count(n => n >= 2) < 2) throw new ArgumentException($"'{selected.Name}' {supportPart} has fewer than two classes with 2 or more examples; fine-tuning on it needs them.");
            sampling = sampling with { Shots = k / 2, Queries = k - k / 2, SkipSmallClasses = sampling.SkipSmallClasses || sizes.Min() < 2 };
            // Validation only picks the best weights, so a class with too few validation examples (HWU64's valid
            // part has one with 3) is left out of it rather than stopping the run.
            // Its episodes are cut to the validation part's own smallest class of 2 or more where that is smaller
            // (FewCLUE's dev_k are as small as the training sets, and not balanced).
            IEpisodeSource? validation = null;
            if (fixedSupport.ValidationPart is { } part && selected.Dataset.HasPart(part))
            {
                var dev = selected.Dataset.Part(part);
                int kv = Math.Min(k, dev.GroupBy(e => e.Label).Select(g => g.Count()).Where(n => n >= 2).DefaultIfEmpty(k).Min());
                validation = new EpisodeSampler(dev, dev.Select(e => e.Label).Distinct().ToArray(), sampling with { Shots = kv / 2, Queries = kv - kv / 2, SkipSmallClasses = true }, seed + 1);
            }
            return new TrainingSources(new EpisodeSampler(support, classes, sampling, seed), validation, support.Select(e => e.Text), null, sampling) { SupportShots = k, LabelledExamples = support };
        }
        var split = selected.RequireSplit();
        if (split.Train.Count == 0) throw new ArgumentException($"Training needs meta-training classes, and the class split of '{selected.Name}' has none: give --train-classes or a train list in the --split file.");
        var train = new EpisodeSampler(selected.Dataset.All, split.Train, sampling, seed);
        var check = split.Validation.Count >= 2 ? new EpisodeSampler(selected.Dataset.All, split.Validation, sampling, seed + 1) : null;
        var examples = selected.Dataset.WithClasses(split.Train);
        return new TrainingSources(train, check, examples.Select(e => e.Text), split, sampling) { LabelledExamples = examples };
    }
}
