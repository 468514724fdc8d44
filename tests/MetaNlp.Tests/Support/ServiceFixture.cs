using MetaNlp.Algorithms;
using MetaNlp.Data;
using MetaNlp.Encoders;
using MetaNlp.Models;
using MetaNlp.Tests.Data;
using MetaNlp.Training;
using static TorchSharp.torch;

namespace MetaNlp.Tests.Server;

/// <summary>
/// A base model for the service tests, meta-trained once on the training intents of the repository's samples, and
/// the samples' support set of four intents the model never saw.
/// </summary>
public sealed class ServiceFixture : IDisposable
{
    private readonly TempDir _dir = new();

    public ServiceFixture()
    {
        string samples = Path.Combine(TestData.RepositoryRoot() ?? throw new DirectoryNotFoundException("MetaNlp.slnx not found above the test binaries."), "samples");
        var intents = CsvDatasetReader.ReadExamples(Path.Combine(samples, "intents.csv"));
        var split = ClassSplitFile.Read(Path.Combine(samples, "intents.split.json"));
        Support = CsvDatasetReader.ReadExamples(Path.Combine(samples, "support.csv"));
        Queries = CsvDatasetReader.ReadExamples(Path.Combine(samples, "queries.csv"));
        manual_seed(3);
        var spec = FewShotModel.NewSpec(PrototypicalNetwork.Name, LearnerRegistry.ToJson(new PrototypicalOptions { Distance = MetricDistance.Cosine }),
            new EncoderOptions { Kind = "boe", EmbeddingDim = 50 }, intents.Where(e => split.Train.Contains(e.Label)).Select(e => e.Text));
        var sampler = new EpisodeSampler(intents, split.Train, new EpisodeSamplerOptions { Ways = 5, Shots = 5, Queries = 5 }, 3);
        var model = FewShotModel.Create(spec);
        // Other test classes draw from LibTorch's global generator at the same time, so the seed above does not fix
        // the initial weights: they are drawn again, as the encoder draws them (randn), from a generator of our own.
        using (var generator = new Generator(3))
        using (no_grad())
        {
            foreach (var weight in model.Learner.Module.parameters()) weight.copy_(randn(weight.shape, generator: generator));
        }
        var result = new MetaTrainer().Train(model, new MetaTrainerOptions { MaxEpisodes = 150, ValidateEvery = 0, LearningRate = 1e-2 }, sampler, null, _dir.Path);
        ModelPath = result.ModelPath;
    }

    /// <summary>The trained checkpoint.</summary>
    public string ModelPath { get; }

    /// <summary>Five examples of each of four unseen intents.</summary>
    public IReadOnlyList<TextExample> Support { get; }

    /// <summary>Held-out sentences of those intents.</summary>
    public IReadOnlyList<TextExample> Queries { get; }

    /// <summary>A fresh database path in the fixture's folder.</summary>
    public string NewDatabase() => Path.Combine(_dir.Path, Guid.NewGuid().ToString("n"), "classifiers.db");

    public void Dispose() => _dir.Dispose();
}
