using MetaNlp.Models;
using MetaNlp.Training;
using static TorchSharp.torch;

namespace MetaNlp.Tests.Training;

/// <summary>
/// The self-supervised stage is reproducible for a seed. Serial: the word-dropout masks come from LibTorch's one global
/// generator, which tests running beside this one would draw from between the seeding and the stage.
/// </summary>
[Collection(SerialCollection.Name)]
public class ContrastiveSeedTests
{
    [Fact]
    public void TheSameSeedDrawsTheSameBatchesAndViews()
    {
        using var scope = NewDisposeScope();
        var options = new ContrastiveOptions { UnlabeledEpochs = 3, UnlabeledTextsPerBatch = 8, LearningRate = 1e-3 };
        IReadOnlyList<double> Run()
        {
            manual_seed(11);
            return ContrastiveTrainer.TrainUnlabeled(ContrastiveTests.WordCnn(0.3).Embedder, ContrastiveTests.Reviews, options, seed: 3);
        }
        var first = Run();
        Assert.Equal(first, Run());
        manual_seed(12);
        Assert.NotEqual(first, ContrastiveTrainer.TrainUnlabeled(ContrastiveTests.WordCnn(0.3).Embedder, ContrastiveTests.Reviews, options, seed: 3));
    }
}
