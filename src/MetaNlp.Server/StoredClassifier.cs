namespace MetaNlp.Server;

/// <summary>A classifier as stored: its settings, and a version that grows with every change of its examples.</summary>
/// <param name="Id">Identifier in URLs.</param>
/// <param name="Name">Name given by its creator.</param>
/// <param name="BaseModel">Name of the base model it adapts.</param>
/// <param name="Threshold">Best probability under which the answer is "none of these".</param>
/// <param name="Version">Grows with every change; cached adaptations are keyed by it.</param>
/// <param name="CreatedAt">Creation time (UTC, ISO 8601).</param>
/// <param name="UpdatedAt">Last change (UTC, ISO 8601).</param>
/// <param name="Owner">
/// The <see cref="ApiCaller.Owner"/> of the key that created it (a non-secret identifier, never the key); null for
/// classifiers stored before owners were recorded, which only admin keys may manage.
/// </param>
public sealed record StoredClassifier(string Id, string Name, string BaseModel, double Threshold, long Version, string CreatedAt, string UpdatedAt, string? Owner = null);

/// <summary>One labelled example of a classifier.</summary>
/// <param name="Id">Identifier in URLs (unique in the database).</param>
/// <param name="Text">The text.</param>
/// <param name="Label">Its label.</param>
public sealed record StoredExample(long Id, string Text, string Label);
