namespace MetaNlp.Data;

/// <summary>
/// One of FewJoint's shipped episodes: a single domain's few-shot support set and its labelled queries, stored as two
/// parts of the loaded dataset.
/// </summary>
/// <param name="Name">Episode name, e.g. "test_3" (split and file number).</param>
/// <param name="Domain">The episode's domain, e.g. "captialInfo".</param>
/// <param name="SupportPart">The part holding the support set (from <c>support/support_k.json</c>).</param>
/// <param name="QueryPart">The part holding the labelled queries (from <c>correct/correct_k.json</c>).</param>
public sealed record FewJointEpisode(string Name, string Domain, string SupportPart, string QueryPart)
{
    /// <summary>
    /// The episode as an <see cref="Episode"/>: its classes are the support set's intents in first-seen order (the
    /// shipped queries never carry an intent missing from the support set; the loader checks it).
    /// </summary>
    public Episode ToEpisode(TextDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        var support = dataset.Part(SupportPart);
        return new Episode(support.Select(e => e.Label).Distinct(StringComparer.Ordinal).ToArray(), support, dataset.Part(QueryPart));
    }
}
