using System.Reflection;
using MetaNlp.Data;

namespace MetaNlp.Cli;

/// <summary>The sample intents shipped inside the tool (samples/ in the repository), read with the ordinary readers.</summary>
internal sealed record SampleData(IReadOnlyList<TextExample> Intents, ClassSplit Split, IReadOnlyList<TextExample> Support, IReadOnlyList<TextExample> Queries)
{
    public static SampleData Load()
    {
        string folder = Path.Combine(Path.GetTempPath(), $"metanlp-samples-{Environment.ProcessId}");
        Directory.CreateDirectory(folder);
        try
        {
            string Extract(string name)
            {
                string path = Path.Combine(folder, name);
                using var resource = Assembly.GetExecutingAssembly().GetManifestResourceStream($"MetaNlp.Cli.Samples.{name}")
                    ?? throw new InvalidDataException($"The sample file '{name}' is not embedded in this build.");
                using var file = File.Create(path);
                resource.CopyTo(file);
                return path;
            }
            var intents = CsvDatasetReader.ReadExamples(Extract("intents.csv"));
            var split = ClassSplitFile.Read(Extract("intents.split.json"));
            var support = CsvDatasetReader.ReadExamples(Extract("support.csv"));
            var queries = CsvDatasetReader.ReadExamples(Extract("queries.csv"));
            return new SampleData(intents, split, support, queries);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
