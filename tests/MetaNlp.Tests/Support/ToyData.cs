using MetaNlp.Data;

namespace MetaNlp.Tests;

/// <summary>
/// Small synthetic datasets for fast tests: each class is a combination of 4 topic words from one shared pool, mixed
/// with filler words, so classes never seen in training still use words the vocabulary knows.
/// </summary>
internal static class ToyData
{
    private static readonly string[] Filler = ["the", "a", "please", "now", "my", "for", "to", "and", "it", "is", "can", "you"];

    public static IReadOnlyList<TextExample> Examples(int classes, int perClass, int seed = 1)
    {
        var random = new Random(seed);
        var result = new List<TextExample>();
        for (int c = 0; c < classes; c++)
        {
            var keywords = Enumerable.Range(0, 24).OrderBy(_ => random.Next()).Take(4).Select(k => $"topic{k}").ToArray();
            for (int i = 0; i < perClass; i++)
            {
                var words = new List<string>();
                for (int w = 0; w < 6; w++) words.Add(random.Next(2) == 0 ? keywords[random.Next(keywords.Length)] : Filler[random.Next(Filler.Length)]);
                words.Add(keywords[random.Next(keywords.Length)]);
                result.Add(new TextExample(string.Join(' ', words), $"class{c}"));
            }
        }
        return result;
    }

    public static IReadOnlyList<string> Classes(int from, int to) => Enumerable.Range(from, to - from).Select(c => $"class{c}").ToArray();
}
