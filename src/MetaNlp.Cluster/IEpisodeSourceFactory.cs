using MetaNlp.Data;

namespace MetaNlp.Cluster;

/// <summary>
/// Builds a run's episodes on a worker from the coordinator's job text (<see cref="RunDescription.Job"/>,
/// <see cref="EvaluationRun.Job"/>): the same data and sampler settings give the same episode for each index in every
/// process (<see cref="IEpisodeSource"/>), so only indices travel. Registered in each silo's services.
/// </summary>
public interface IEpisodeSourceFactory
{
    /// <summary>The training episodes of <paramref name="job"/>.</summary>
    /// <exception cref="ArgumentException">The job is not one this factory understands; the message says why.</exception>
    IEpisodeSource Create(string job);

    /// <summary>The test episodes of an evaluation's <paramref name="job"/>.</summary>
    /// <exception cref="ArgumentException">The job is not one this factory understands; the message says why.</exception>
    IEpisodeSource CreateEvaluation(string job);
}
