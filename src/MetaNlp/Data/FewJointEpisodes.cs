namespace MetaNlp.Data;

/// <summary>
/// FewJoint's protocol (Hou et al. 2020, SMP2020-ECDT task 1, intent detection): meta-train on the training
/// domains, pick weights on the shipped development episodes, report the mean intent accuracy over the shipped test
/// episodes (one domain each, its own support set and queries).
/// </summary>
/// <param name="TrainPart">The part holding the meta-training domains' labelled utterances.</param>
/// <param name="Dev">The shipped development episodes.</param>
/// <param name="Test">The shipped test episodes.</param>
public sealed record FewJointEpisodes(string TrainPart, IReadOnlyList<FewJointEpisode> Dev, IReadOnlyList<FewJointEpisode> Test)
{
    /// <summary>
    /// The training utterances with each label prefixed by its domain ("app/LAUNCH"): intent names such as QUERY
    /// recur across domains with different meanings, so a class is a domain-intent pair.
    /// </summary>
    public IReadOnlyList<TextExample> TrainingExamples(TextDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return [.. dataset.Part(TrainPart).Select(e => e with { Label = $"{e.Domain}/{e.Label}" })];
    }

    /// <summary>
    /// Meta-training episodes over the training domain-intent pairs; pairs with fewer than shots + queries
    /// utterances sit out (the training data is not balanced).
    /// </summary>
    public EpisodeSampler TrainingEpisodes(TextDataset dataset, EpisodeSamplerOptions options, int seed)
    {
        ArgumentNullException.ThrowIfNull(options);
        var examples = TrainingExamples(dataset);
        var classes = examples.Select(e => e.Label).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        return new EpisodeSampler(examples, classes, options with { SkipSmallClasses = true }, seed);
    }

    /// <summary>The shipped development episodes, in file order, as an episode source for validation.</summary>
    public ShippedEpisodeSource ValidationEpisodes(TextDataset dataset, EpisodeSamplerOptions options) =>
        new([.. Dev.Select(e => e.ToEpisode(dataset))], options);
}
