namespace MetaNlp.Reports;

/// <summary>What a point of an <see cref="EpisodeProjection"/> stands for.</summary>
public enum ProjectedKind
{
    /// <summary>A labelled support example.</summary>
    Support,

    /// <summary>A class's prototype: the mean of its support vectors.</summary>
    Prototype,

    /// <summary>A query, with its true label.</summary>
    Query,
}

/// <summary>One point of an <see cref="EpisodeProjection"/>: its kind, class, text (the class name for a prototype) and 2-D position.</summary>
public sealed record ProjectedPoint(ProjectedKind Kind, string Label, string Text, double X, double Y);
