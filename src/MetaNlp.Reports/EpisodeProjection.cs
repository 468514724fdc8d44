using MetaNlp.Algorithms;
using MetaNlp.Data;
using MetaNlp.Functional;
using static TorchSharp.torch;

namespace MetaNlp.Reports;

/// <summary>
/// One episode as the model sees it, flattened to two dimensions: the sentence vectors of the support examples, the
/// class prototypes (the mean support vector of each class, what a prototypical network compares with) and the
/// queries, projected together onto their first two principal axes (<see cref="PrincipalComponents"/>). Queries that
/// sit near their own class's prototype are the ones a metric learner gets right.
/// </summary>
public sealed record EpisodeProjection(IReadOnlyList<ProjectedPoint> Points)
{
    /// <summary>
    /// Embeds <paramref name="support"/> and <paramref name="queries"/> with <paramref name="embedder"/> (no
    /// gradients), adds one prototype per support class (in order of first appearance) and projects all of them.
    /// </summary>
    /// <exception cref="ArgumentException">The support set is empty, or a query's label is not a support class.</exception>
    public static EpisodeProjection Of(TextEmbedder embedder, IReadOnlyList<TextExample> support, IReadOnlyList<TextExample> queries)
    {
        ArgumentNullException.ThrowIfNull(embedder);
        ArgumentNullException.ThrowIfNull(support);
        ArgumentNullException.ThrowIfNull(queries);
        if (support.Count == 0) throw new ArgumentException("The support set is empty: nothing to project.", nameof(support));
        var classes = support.Select(e => e.Label).Distinct(StringComparer.Ordinal).ToList();
        if (queries.FirstOrDefault(q => !classes.Contains(q.Label, StringComparer.Ordinal)) is { } stray)
            throw new ArgumentException($"The query \"{stray.Text}\" has label '{stray.Label}', which is not a support class ({string.Join(", ", classes)}).", nameof(queries));

        using var scope = NewDisposeScope();
        var vectors = embedder.EmbedNoGrad([.. support.Select(e => e.Text), .. queries.Select(e => e.Text)]);
        var supportVectors = vectors[..support.Count];
        var labels = tensor(support.Select(e => (long)classes.IndexOf(e.Label)).ToArray(), ScalarType.Int64);
        var prototypes = Prototypes.Compute(supportVectors, labels, classes.Count);
        var all = cat([supportVectors, prototypes, vectors[support.Count..]], 0);
        var xy = PrincipalComponents.Project(all);

        var points = new List<ProjectedPoint>(xy.Length);
        int row = 0;
        foreach (var e in support) points.Add(new ProjectedPoint(ProjectedKind.Support, e.Label, e.Text, xy[row][0], xy[row++][1]));
        foreach (var c in classes) points.Add(new ProjectedPoint(ProjectedKind.Prototype, c, c, xy[row][0], xy[row++][1]));
        foreach (var e in queries) points.Add(new ProjectedPoint(ProjectedKind.Query, e.Label, e.Text, xy[row][0], xy[row++][1]));
        return new EpisodeProjection(points);
    }
}
