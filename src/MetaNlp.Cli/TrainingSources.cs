using MetaNlp.Data;

namespace MetaNlp.Cli;

/// <summary>What a training run draws from: training and validation episodes, the texts its vocabulary comes from, and its class split.</summary>
internal sealed record TrainingSources(IEpisodeSource Train, IEpisodeSource? Validation, IEnumerable<string> VocabularyTexts, ClassSplit? Split)
{
    /// <summary>
    /// Episodic datasets: episodes over the split's training and validation classes. ARSC: episodes of the
    /// meta-training tasks' training files, validated on the 12 target tasks' development files (their training
    /// files are the test supports and their test files the queries, so neither is seen).
    /// </summary>
    public static TrainingSources From(SelectedData selected, EpisodeSamplerOptions sampling, int seed)
    {
        if (selected.Registry?.ArscTasks is { } tasks)
        {
            var training = tasks.TrainingTasks.Select(t => (t.Name, selected.Dataset.Part(t.TrainPart))).ToArray();
            var validation = tasks.TargetTasks.Select(t => (t.Name, selected.Dataset.Part(t.DevPart))).ToArray();
            return new TrainingSources(new TaskEpisodeSampler(training, sampling, seed), new TaskEpisodeSampler(validation, sampling, seed + 1),
                training.SelectMany(t => t.Item2).Select(e => e.Text), null);
        }
        var split = selected.RequireSplit();
        var train = new EpisodeSampler(selected.Dataset.All, split.Train, sampling, seed);
        var check = split.Validation.Count >= 2 ? new EpisodeSampler(selected.Dataset.All, split.Validation, sampling, seed + 1) : null;
        return new TrainingSources(train, check, selected.Dataset.WithClasses(split.Train).Select(e => e.Text), split);
    }
}
