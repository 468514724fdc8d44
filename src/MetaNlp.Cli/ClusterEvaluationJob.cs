using System.Text.Json;
using MetaNlp.Data;

namespace MetaNlp.Cli;

/// <summary>
/// What an <c>eval --cluster</c> coordinator tells its workers about the test episodes: the data options resolved as
/// the coordinator resolved them (the split index a model was trained on included, not the data folder, which is each
/// machine's own), the class pool by name, the episode shape and the seed. The workers build the sampler from these
/// (<see cref="ClusterJob.Factory.CreateEvaluation"/>) and check its episodes against the coordinator's fingerprint.
/// </summary>
internal sealed record ClusterEvaluationJob(string[] DataArgs, int? Shots, string[] Classes, EpisodeSamplerOptions Sampling, int Seed)
{
    public string ToJson() => JsonSerializer.Serialize(this);
}
