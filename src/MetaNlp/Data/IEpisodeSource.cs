namespace MetaNlp.Data;

/// <summary>
/// Where the trainer and the evaluator get episodes: episode i of a source is always the same episode (so a resumed
/// run sees what it would have seen). <see cref="EpisodeSampler"/> draws from one set of classes;
/// <see cref="TaskEpisodeSampler"/> first picks one of several tasks (ARSC).
/// </summary>
public interface IEpisodeSource
{
    /// <summary>The episode shape asked for.</summary>
    EpisodeSamplerOptions Options { get; }

    /// <summary>Ways actually sampled.</summary>
    int Ways { get; }

    /// <summary>Why <see cref="Ways"/> differs from the options, or null.</summary>
    string? Note { get; }

    /// <summary>Episode number <paramref name="index"/>.</summary>
    Episode Sample(long index);

    /// <summary>
    /// How many different episodes the source has, where it has few (validation against a fixed support set with
    /// every validation utterance is one episode); null: as many as are asked for. Scoring more than this many
    /// repeats episodes, so the trainer's validation stops at it.
    /// </summary>
    int? DistinctEpisodes => null;
}
