using MetaNlp.Models;
using MetaNlp.Tests.Data;
using MetaNlp.Workarounds;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MetaNlp.Tests.Training;

/// <summary>The Scalar-safe optimizers take TorchSharp's steps exactly and resume from the training states TorchSharp's wrote.</summary>
public class ScalarSafeOptimizerTests
{
    [Theory]
    [InlineData("adam", 0.0)]
    [InlineData("adam", 0.01)]
    [InlineData("sgd", 0.0)]
    [InlineData("sgd", 0.01)]
    public void TheStepsEqualTorchSharpsOwn(string rule, double decay)
    {
        using var scope = NewDisposeScope();
        var (reference, referenceWeights) = Make(rule, decay, safe: false);
        var (ours, ourWeights) = Make(rule, decay, safe: true);

        for (int step = 0; step < 25; step++)
        {
            Step(reference, referenceWeights, step);
            Step(ours, ourWeights, step);
        }

        for (int i = 0; i < ourWeights.Length; i++)
        {
            Assert.False(ourWeights[i].allclose(Initial(i)), "the weights did not move");
            Assert.True(ourWeights[i].allclose(referenceWeights[i], rtol: 0, atol: 1e-7), $"weight {i} differs after 25 steps");
        }
    }

    [Theory]
    [InlineData("adam")]
    [InlineData("sgd")]
    public void ATrainingStateWrittenWithTorchSharpsOptimizerResumesWithTheScalarSafeOne(string rule)
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "state.ckpt");
        var model = TrainingTests.NewModel();
        var trainable = model.Learner.Module.parameters().Where(p => p.requires_grad).ToArray();
        OptimizerHelper written = rule == "adam" ? optim.Adam(trainable, lr: 0.02, weight_decay: 0.01) : optim.SGD(trainable, 0.02, weight_decay: 0.01);
        for (int step = 0; step < 3; step++)
        {
            using var scope = NewDisposeScope();
            written.zero_grad();
            trainable.Select(p => p.square().sum()).Aggregate((a, b) => a.add(b, 1.0)).backward();
            written.step();
        }
        Checkpoint.SaveTrainingState(path, model, new TrainingProgress { EpisodesDone = 3 }, written);

        var (_, progress, resumed) = Checkpoint.LoadTrainingState(path, m =>
        {
            var parameters = m.Learner.Module.parameters().Where(p => p.requires_grad);
            return rule == "adam" ? new ScalarSafeAdam(parameters, 1e-3, 0) : new ScalarSafeSgd(parameters, 1e-3, 0);
        });

        Assert.Equal(3, progress.EpisodesDone);
        var (expected, actual) = (written.state_dict(), resumed.state_dict());
        Assert.Equal(0.02, actual.Options.Single().LearningRate);
        Assert.Equal(expected.State.Count, actual.State.Count);
        for (int i = 0; i < expected.State.Count; i++) Assert.True(actual.State[i].ApproximatelyEquals(expected.State[i]), $"state {i} differs");
        if (rule == "adam") Assert.Equal(3, ((Adam.State)actual.State[0]).step);
    }

    [Fact]
    public void AnotherOptimizersStateIsAClearErrorNamingTheFile()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "state.ckpt");
        var model = TrainingTests.NewModel();
        Checkpoint.SaveTrainingState(path, model, new TrainingProgress(), optim.SGD(model.Learner.Module.parameters(), 0.1));

        var error = Assert.Throws<InvalidDataException>(() =>
            Checkpoint.LoadTrainingState(path, m => new ScalarSafeAdam(m.Learner.Module.parameters(), 1e-3, 0)));

        Assert.Contains(path, error.Message);
        Assert.Contains("SGD", error.Message);
    }

    private static Tensor Initial(int i) => i == 0 ? linspace(-1, 1, 12).reshape(4, 3) : tensor(new float[] { 0.1f, -0.2f, 0.3f });

    private static (OptimizerHelper Optimizer, Parameter[] Weights) Make(string rule, double decay, bool safe)
    {
        Parameter[] weights = [new Parameter(Initial(0)), new Parameter(Initial(1))];
        OptimizerHelper optimizer = (rule, safe) switch
        {
            ("adam", false) => optim.Adam(weights, lr: 0.05, weight_decay: decay),
            ("adam", true) => new ScalarSafeAdam(weights, 0.05, decay),
            ("sgd", false) => optim.SGD(weights, 0.05, weight_decay: decay),
            _ => new ScalarSafeSgd(weights, 0.05, decay),
        };
        return (optimizer, weights);
    }

    // A least-squares step on a batch that changes with the step, so the moments see different gradients.
    private static void Step(OptimizerHelper optimizer, Parameter[] weights, int step)
    {
        using var scope = NewDisposeScope();
        var generator = new Generator(1000 + (ulong)step);
        var x = randn(8, 4, generator: generator);
        var target = randn(8, 3, generator: generator);
        var loss = x.matmul(weights[0]).add(weights[1]).sub(target).square().mean();
        optimizer.zero_grad();
        loss.backward();
        optimizer.step();
    }
}
