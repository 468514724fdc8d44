using System.Text.Json;
using MetaNlp.Data;

namespace MetaNlp.Cli;

/// <summary>
/// What a coordinator tells its workers about the episodes they score. For <c>eval --cluster</c>, the test episodes:
/// the data options resolved as the coordinator resolved them (the split index a model was trained on included, not
/// the data folder, which is each machine's own), the class pool by name, the episode shape and the seed. For
/// <c>train --cluster</c>'s validation, <see cref="ValidationOf"/>: the training job, whose validation episodes the
/// workers build as the trainer does (<see cref="MetaNlp.Training.TrainingSources.From"/>). The workers build the episodes
/// (<see cref="ClusterJob.Factory.CreateEvaluation"/>) and check them against the coordinator's fingerprint.
/// </summary>
internal sealed record ClusterEvaluationJob(string[] DataArgs, int? Shots, string[] Classes, EpisodeSamplerOptions Sampling, int Seed, ClusterJob? ValidationOf = null)
{
    /// <summary>The validation episodes of the training run that <paramref name="training"/> describes.</summary>
    public static ClusterEvaluationJob Validation(ClusterJob training) => new(training.DataArgs, training.Shots, [], training.Sampling, training.Seed, training);

    public string ToJson() => JsonSerializer.Serialize(this);
}
