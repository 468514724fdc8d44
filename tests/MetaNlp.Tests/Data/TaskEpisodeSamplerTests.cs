using MetaNlp.Data;

namespace MetaNlp.Tests.Data;

public class TaskEpisodeSamplerTests
{
    // Three binary tasks whose labels are the same strings ("1", "-1") but whose examples differ.
    private static IReadOnlyList<(string Name, IReadOnlyList<TextExample> Pool)> Tasks() =>
    [
        .. Enumerable.Range(0, 3).Select(t => ($"task{t}", (IReadOnlyList<TextExample>)Enumerable.Range(0, 20)
            .Select(i => new TextExample($"t{t} example {i}", i % 2 == 0 ? "1" : "-1") { Domain = $"task{t}" }).ToArray())),
    ];

    [Fact]
    public void EveryEpisodeComesFromOneTaskAndTheSameIndexGivesTheSameEpisode()
    {
        var sampler = new TaskEpisodeSampler(Tasks(), new EpisodeSamplerOptions { Ways = 2, Shots = 5, Queries = 3 }, 7);
        var again = new TaskEpisodeSampler(Tasks(), new EpisodeSamplerOptions { Ways = 2, Shots = 5, Queries = 3 }, 7);
        var seen = new HashSet<int>();
        for (int i = 0; i < 60; i++)
        {
            var episode = sampler.Sample(i);
            string task = $"task{sampler.TaskOf(i)}";
            seen.Add(sampler.TaskOf(i));
            Assert.All(episode.Support.Concat(episode.Query), e => Assert.Equal(task, e.Domain));
            Assert.Equal(10, episode.Support.Count);
            Assert.Equal(6, episode.Query.Count);
            Assert.Equal(episode.Support.Select(e => e.Text), again.Sample(i).Support.Select(e => e.Text));
        }
        Assert.Equal(3, seen.Count);
    }

    [Fact]
    public void ATaskTooSmallForTheEpisodesIsNamed()
    {
        var error = Assert.Throws<ArgumentException>(() => new TaskEpisodeSampler(Tasks(), new EpisodeSamplerOptions { Ways = 2, Shots = 8, Queries = 5 }, 1));
        Assert.StartsWith("Task 'task0':", error.Message);
    }
}
