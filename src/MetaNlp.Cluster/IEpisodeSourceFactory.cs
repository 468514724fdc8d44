using MetaNlp.Data;

namespace MetaNlp.Cluster;

/// <summary>
/// Builds a run's training episodes on a worker from the coordinator's job text (<see cref="RunDescription.Job"/>):
/// the same data and sampler settings give the same episode for each index in every process
/// (<see cref="IEpisodeSource"/>), so only indices travel. Registered in each silo's services.
/// </summary>
public interface IEpisodeSourceFactory
{
    /// <summary>The episodes of <paramref name="job"/>.</summary>
    /// <exception cref="ArgumentException">The job is not one this factory understands; the message says why.</exception>
    IEpisodeSource Create(string job);
}
