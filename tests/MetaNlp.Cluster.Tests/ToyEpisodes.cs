using MetaNlp.Data;

namespace MetaNlp.Cluster.Tests;

/// <summary>
/// Small synthetic episodes (each class four topic words among fillers) and the factory that builds them on a
/// worker from the job text "toy": the same episodes in every process.
/// </summary>
internal sealed class ToyEpisodes : IEpisodeSourceFactory
{
    public const string Job = "toy";

    public const string TestJob = "toy-test";

    private static readonly string[] Filler = ["the", "a", "please", "now", "my", "for", "to", "and", "it", "is"];

    public static IReadOnlyList<TextExample> Pool { get; } = Examples(classes: 24, perClass: 10);

    public static IReadOnlyList<string> TrainClasses { get; } = [.. Enumerable.Range(0, 16).Select(c => $"class{c}")];

    public static EpisodeSampler Train() => new(Pool, TrainClasses, new EpisodeSamplerOptions { Ways = 3, Shots = 2, Queries = 2 }, 11);

    /// <summary>Test episodes over the 8 classes not trained on; <paramref name="seed"/> 21 is what the workers build.</summary>
    public static EpisodeSampler Test(int seed = 21) => new(Pool, [.. Enumerable.Range(16, 8).Select(c => $"class{c}")], new EpisodeSamplerOptions { Ways = 3, Shots = 2, Queries = 3 }, seed);

    public IEpisodeSource Create(string job) =>
        job == Job ? Train() : throw new ArgumentException($"Unknown job '{job}': this worker builds only '{Job}'.", nameof(job));

    public IEpisodeSource CreateEvaluation(string job) =>
        job == TestJob ? Test() : throw new ArgumentException($"Unknown evaluation job '{job}': this worker builds only '{TestJob}'.", nameof(job));

    private static List<TextExample> Examples(int classes, int perClass)
    {
        var random = new Random(1);
        var result = new List<TextExample>();
        for (int c = 0; c < classes; c++)
        {
            var keywords = Enumerable.Range(0, 20).OrderBy(_ => random.Next()).Take(4).Select(k => $"topic{k}").ToArray();
            for (int i = 0; i < perClass; i++)
            {
                var words = Enumerable.Range(0, 6).Select(_ => random.Next(2) == 0 ? keywords[random.Next(4)] : Filler[random.Next(Filler.Length)]).Append(keywords[random.Next(4)]);
                result.Add(new TextExample(string.Join(' ', words), $"class{c}"));
            }
        }
        return result;
    }
}
