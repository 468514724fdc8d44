using System.Diagnostics;
using MetaNlp.Data;
using MetaNlp.Training;
using static TorchSharp.torch;

namespace MetaNlp.Tests.Training;

[Collection(SerialCollection.Name)]
public class MemoryTests
{
    [Fact]
    public void ALongTrainingLoopDoesNotGrowTheProcess()
    {
        NativeHeap.Configure();
        var pool = ToyData.Examples(classes: 10, perClass: 20);
        var model = TrainingTests.NewModel();
        var sampler = new EpisodeSampler(pool, ToyData.Classes(0, 8), new EpisodeSamplerOptions { Ways = 5, Shots = 5, Queries = 5 }, 3);
        var optimizer = optim.Adam(model.Learner.Model.parameters(), 1e-3);
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
        long Rss()
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            using var process = Process.GetCurrentProcess();
            return process.WorkingSet64;
        }
        Steps(0, 100);
        long warm = Rss();
        Steps(100, 500);
        long after = Rss();
        double growthMb = (after - warm) / 1e6;
        Assert.True(growthMb < 25, $"RSS grew by {growthMb:F1} MB over 500 training steps (from {warm / 1e6:F0} MB)");
    }

    [Fact]
    public void FiveHundredSecondOrderMamlIterationsKeepTheProcessFlat()
    {
        NativeHeap.Configure();
        var pool = ToyData.Examples(classes: 10, perClass: 20);
        var options = new MetaNlp.Algorithms.GradientLearnerOptions { InnerSteps = 3, InnerLearningRate = 0.3 };
        var model = MetaNlp.Tests.Algorithms.GradientLearnerTests.NewModel(MetaNlp.Algorithms.Maml.Name, options,
            new MetaNlp.Encoders.EncoderOptions { Kind = "cnn", EmbeddingDim = 16, Filters = 8 });
        model.Learner.Model.train();
        var sampler = new EpisodeSampler(pool, ToyData.Classes(0, 8), new EpisodeSamplerOptions { Ways = 5, Shots = 5, Queries = 5 }, 3);
        var optimizer = optim.Adam(model.Learner.Model.parameters(), 1e-3);
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
        long warm = Rss();
        Steps(100, 500);
        long after = Rss();
        double growthMb = (after - warm) / 1e6;
        Assert.True(growthMb < 25, $"RSS grew by {growthMb:F1} MB over 500 second-order MAML iterations (from {warm / 1e6:F0} MB)");
    }

    private static long Rss()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64;
    }
}
