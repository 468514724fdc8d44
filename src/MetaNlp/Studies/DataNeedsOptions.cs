using MetaNlp.Api;

namespace MetaNlp.Studies;

/// <summary>The grid and settings of a <see cref="DataNeedsStudy"/>.</summary>
public sealed record DataNeedsOptions
{
    /// <summary>Numbers of meta-training classes to train on (each at least 2 and at most the split's); empty: a quarter, half and all of the split's training classes.</summary>
    public IReadOnlyList<int> ClassCounts { get; init; } = [];

    /// <summary>
    /// Examples per training class, each at least a training episode's shots plus queries; <see cref="AllExamples"/>
    /// keeps every example. Empty: that least number, four times it, and all.
    /// </summary>
    public IReadOnlyList<int> ExamplesPerClass { get; init; } = [];

    /// <summary>Stands for "every example of each class" in <see cref="ExamplesPerClass"/>.</summary>
    public const int AllExamples = 0;

    /// <summary>Test episodes per cell, drawn from the split's test classes (the same episodes for every cell).</summary>
    public int TestEpisodes { get; init; } = 300;

    /// <summary>Shape of the test episodes; null: the benchmark's (its ways and queries, the training shots), else the training episodes', else 5-way 5-shot 5-query.</summary>
    public Data.EpisodeSamplerOptions? TestShape { get; init; }

    /// <summary>Seed of the test episodes.</summary>
    public int EvaluationSeed { get; init; } = 2024;

    /// <summary>Seed of which classes and examples each cell keeps; the subsets are nested (a cell's classes and examples include those of every smaller cell).</summary>
    public int SampleSeed { get; init; } = 42;

    /// <summary>How each cell trains (learner, encoder, budget, seed); null members come from the data's recipe, as in <see cref="MetaLearner"/>. Its output folder is the study's.</summary>
    public MetaLearnerOptions Training { get; init; } = new();

    /// <summary>
    /// What identifies <see cref="Training"/> for a resumed study (for example the command line's training options):
    /// a study folder started with another value is refused, so no table mixes cells trained two ways.
    /// </summary>
    public string TrainingDescription { get; init; } = "";
}
