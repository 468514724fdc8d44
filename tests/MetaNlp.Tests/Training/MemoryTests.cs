using System.Diagnostics;
using MetaNlp.Algorithms;
using MetaNlp.Data;
using MetaNlp.Encoders;
using MetaNlp.Models;
using MetaNlp.Training;
using MetaNlp.Workarounds;
using static TorchSharp.torch;

namespace MetaNlp.Tests.Training;

[Trait("Category", "Slow")] // meta-trains or runs for minutes: `dotnet test --filter "Category!=Slow"` leaves it out locally
[Collection(SerialCollection.Name)]
public class MemoryTests
{
    [Fact]
    public void ALongTrainingLoopDoesNotGrowTheProcess()
    {
        double growthMb = RssGrowthOver500Steps(TrainingTests.NewModel(), out long warm);
        Assert.True(growthMb < 25, $"RSS grew by {growthMb:F1} MB over 500 training steps (from {warm / 1e6:F0} MB)");
    }

    [Fact]
    public void FiveHundredSecondOrderMamlIterationsKeepTheProcessFlat()
    {
        var options = new GradientLearnerOptions { InnerSteps = 3, InnerLearningRate = 0.3 };
        var model = Algorithms.GradientLearnerTests.NewModel(Maml.Name, options, new EncoderOptions { Kind = "cnn", EmbeddingDim = 16, Filters = 8 });
        model.Learner.Module.train();
        double growthMb = RssGrowthOver500Steps(model, out long warm);
        Assert.True(growthMb < 25, $"RSS grew by {growthMb:F1} MB over 500 second-order MAML iterations (from {warm / 1e6:F0} MB)");
    }

    // Adam steps on toy 5-way 5-shot episodes: 100 to warm up, then the RSS growth (MB) over 500 more.
    private static double RssGrowthOver500Steps(FewShotModel model, out long warm)
    {
        NativeHeap.ConfigureForTraining();
        var pool = ToyData.Examples(classes: 10, perClass: 20);
        var sampler = new EpisodeSampler(pool, ToyData.Classes(0, 8), new EpisodeSamplerOptions { Ways = 5, Shots = 5, Queries = 5 }, 3);
        var optimizer = new ScalarSafeAdam(model.Learner.Module.parameters(), 1e-3, weightDecay: 0); // MetaTrainer's optimizer
        void Steps(int from, int count)
        {
            for (int i = from; i < from + count; i++)
            {
                using var scope = NewDisposeScope();
                optimizer.zero_grad();
                model.Learner.EpisodeLoss(sampler.Sample(i)).backward();
                optimizer.step();
            }
        }
        Steps(0, 100);
        warm = Rss();
        Steps(100, 500);
        return (Rss() - warm) / 1e6;
    }

    /// <summary>Resident memory after a full garbage collection.</summary>
    internal static long Rss()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64;
    }
}
