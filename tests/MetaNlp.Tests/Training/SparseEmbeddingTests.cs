using MetaNlp.Algorithms;
using MetaNlp.Data;
using MetaNlp.Encoders;
using MetaNlp.Functional;
using MetaNlp.Models;
using MetaNlp.Tests.Data;
using MetaNlp.Training;
using MetaNlp.Workarounds;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MetaNlp.Tests.Training;

/// <summary>
/// Row-sparse word-table training: the gathered rows get the dense gradient's rows, the lazy optimizer steps equal
/// dense maths on the touched rows and leave every other row bit for bit, and training and resuming work with them.
/// </summary>
[Collection(SerialCollection.Name)] // seeds and draws from LibTorch's global generator, as the trainer does
public class SparseEmbeddingTests
{
    private static readonly IReadOnlyList<TextExample> Pool = ToyData.Examples(classes: 40, perClass: 12);
    private static readonly EpisodeSamplerOptions Shape = new() { Ways = 3, Shots = 2, Queries = 3 };

    private static FewShotModel NewModel(string algorithm, string encoder, double wordDropout = 0)
    {
        manual_seed(7);
        var spec = FewShotModel.NewSpec(algorithm, null, new EncoderOptions { Kind = encoder, EmbeddingDim = 16, Filters = 8, WordDropout = wordDropout },
            Pool.Where(e => ToyData.Classes(0, 24).Contains(e.Label)).Select(e => e.Text));
        return FewShotModel.Create(spec);
    }

    private static EpisodeSampler Train() => new(Pool, ToyData.Classes(0, 24), Shape, 11);

    private static Parameter Table(FewShotModel model)
    {
        var encoder = model.Embedder.Encoder;
        return encoder.named_parameters().Single(p => p.name == encoder.TokenTableName).parameter;
    }

    [Theory]
    [InlineData(PrototypicalNetwork.Name, "cnn")]
    [InlineData(PrototypicalNetwork.Name, "boe")]
    [InlineData(PrototypicalNetwork.Name, "bilstm")]
    [InlineData(PrototypicalNetwork.Name, "transformer")]
    [InlineData(Maml.Name, "cnn")] // the task-local rows of a second-order gradient learner
    [InlineData("reptile", "boe")]
    public void TheGatheredRowsGetTheDenseGradientsRowsAndTheTableNoGradient(string algorithm, string encoderKind)
    {
        using var scope = NewDisposeScope();
        var model = NewModel(algorithm, encoderKind, wordDropout: 0.2);
        var learner = model.Learner;
        var table = Table(model);
        var episode = Train().Sample(0);
        learner.Module.train();

        manual_seed(3); // the same word dropout both ways
        learner.EpisodeLoss(episode).backward();
        var dense = table.grad!.clone();
        learner.Module.zero_grad(set_to_none: true);

        using var rows = new SparseTableRows(table);
        model.Embedder.Encoder.SparseTable = rows;
        manual_seed(3);
        learner.EpisodeLoss(episode).backward();
        model.Embedder.Encoder.SparseTable = null;
        Assert.True(rows.ReadCount > 0, "no lookup went through the gathered rows");
        Assert.True(table.grad is null || table.grad.IsInvalid, "the table got a dense gradient as well");
        var (indices, values) = rows.Gradient()!.Value;

        var touched = zeros(table.shape[0], dtype: ScalarType.Bool).index_fill_(0, indices, true);
        Assert.True(values.allclose(dense.index_select(0, indices), rtol: 1e-5, atol: 1e-7), "the row gradients differ from the dense gradient's rows");
        Assert.Equal(0, dense[touched.logical_not()].abs().sum().item<float>()); // nothing outside the read rows
        Assert.True(values.abs().sum().item<float>() > 0, "the rows got no gradient at all");
        Assert.True(indices.shape[0] < table.shape[0], "an episode of the toy data should read only part of the vocabulary");
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.01)]
    public void TheLazyAdamStepIsDenseAdamMathsOnTheTouchedRowsAndLeavesTheOthersBitForBit(double decay)
    {
        using var scope = NewDisposeScope();
        const double lr = 0.05, beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
        var start = linspace(-1, 1, 18).reshape(6, 3);
        var table = new Parameter(start.clone());
        var optimizer = new ScalarSafeAdam([table], lr, decay);
        // Reference: Adam's formulas in float64 on the touched rows only (PyTorch's SparseAdam), step count per table.
        var weight = start.to(ScalarType.Float64);
        var m = zeros_like(weight);
        var v = zeros_like(weight);
        long[][] rowsPerStep = [[0, 2], [2, 3], [0, 1, 2, 3, 4], [4], [1, 3]]; // row 5 is never touched
        for (int step = 1; step <= rowsPerStep.Length; step++)
        {
            var rows = tensor(rowsPerStep[step - 1]);
            var gradient = randn(rows.shape[0], 3, generator: new Generator((ulong)step));
            var before = table.detach().clone();

            optimizer.SetRowGradient(table, rows, gradient);
            optimizer.step();

            var g = gradient.to(ScalarType.Float64).add(weight.index_select(0, rows), decay);
            var mRows = m.index_select(0, rows).mul(beta1).add(g, 1 - beta1);
            var vRows = v.index_select(0, rows).mul(beta2).add(g.square(), 1 - beta2);
            m.index_copy_(0, rows, mRows);
            v.index_copy_(0, rows, vRows);
            var update = mRows.div(1 - Math.Pow(beta1, step)).div(vRows.div(1 - Math.Pow(beta2, step)).sqrt().add(eps)).mul(lr);
            weight.index_copy_(0, rows, weight.index_select(0, rows).sub(update));

            Assert.True(table.detach().to(ScalarType.Float64).allclose(weight, rtol: 0, atol: 1e-6), $"step {step}: the table differs from the reference");
            var untouched = ones(6, dtype: ScalarType.Bool).index_fill_(0, rows, false);
            Assert.True(BitEqual(table.detach()[untouched], before[untouched]), $"step {step}: an untouched row moved");
            var state = (Adam.State)optimizer.state_dict().State[0];
            Assert.True(state.exp_avg.to(ScalarType.Float64).allclose(m, rtol: 0, atol: 1e-6), $"step {step}: first moment differs");
            Assert.True(state.exp_avg_sq.to(ScalarType.Float64).allclose(v, rtol: 0, atol: 1e-9), $"step {step}: second moment differs");
            Assert.Equal(step, state.step);
        }
        Assert.True(BitEqual(table.detach()[5], start[5]), "the never-touched row moved");
    }

    [Theory]
    [InlineData("adam")]
    [InlineData("sgd")]
    public void ALazyStepThatTouchesEveryRowIsTheDenseStep(string rule)
    {
        using var scope = NewDisposeScope();
        var start = linspace(-1, 1, 12).reshape(4, 3);
        var (lazyTable, denseTable) = (new Parameter(start.clone()), new Parameter(start.clone()));
        OptimizerHelper Make(Parameter p) => rule == "adam" ? new ScalarSafeAdam([p], 0.05, 0.01) : new ScalarSafeSgd([p], 0.05, 0.01);
        var (lazy, dense) = (Make(lazyTable), Make(denseTable));
        var all = arange(4, dtype: ScalarType.Int64);
        for (int step = 0; step < 4; step++)
        {
            var gradient = randn(4, 3, generator: new Generator(100 + (ulong)step));
            ((IRowSparseOptimizer)lazy).SetRowGradient(lazyTable, all, gradient);
            lazy.step();
            dense.zero_grad();
            denseTable.mul(gradient).sum().backward(); // d/dW sum(W * G) = G
            dense.step();
        }
        Assert.False(lazyTable.detach().allclose(start), "the weights did not move");
        Assert.True(lazyTable.allclose(denseTable, rtol: 0, atol: 1e-6), "the lazy steps over every row differ from the dense steps");
    }

    [Theory]
    [InlineData(PrototypicalNetwork.Name)]
    [InlineData(Maml.Name)]
    public void TrainingWithSparseUpdatesTakesTheDenseFirstStepAndNeverMovesUnreadRows(string algorithm)
    {
        using var sparseDir = new TempDir();
        using var denseDir = new TempDir();
        var options = new MetaTrainerOptions { MaxEpisodes = 1, ValidateEvery = 0, LearningRate = 1e-2, ClipGradientNorm = 0.05 };
        var sparse = NewModel(algorithm, "cnn");
        var dense = NewModel(algorithm, "cnn");
        var start = Table(sparse).detach().clone();
        new MetaTrainer().Train(sparse, options with { SparseEmbeddings = true }, Train(), null, sparseDir.Path);
        new MetaTrainer().Train(dense, options with { SparseEmbeddings = false }, Train(), null, denseDir.Path);
        // Adam's first step moves a row with a zero gradient by 0 / (0 + eps), so both take the same first step.
        var a = sparse.Learner.Module.named_parameters().ToArray();
        var b = dense.Learner.Module.named_parameters().ToArray();
        for (int i = 0; i < a.Length; i++)
            Assert.True(a[i].parameter.allclose(b[i].parameter, rtol: 0, atol: 1e-6), $"{algorithm}: parameter {a[i].name} differs after the first step");
        Assert.False(BitEqual(Table(sparse).detach(), start), "the table did not move");

        // Further steps: the dense optimizer keeps moving rows that momentum carries; the lazy one moves only rows read.
        using var longerDir = new TempDir();
        var model = NewModel(algorithm, "cnn");
        var sampler = Train();
        new MetaTrainer().Train(model, options with { MaxEpisodes = 4 }, sampler, null, longerDir.Path);
        var read = TrainedVocabularyRows(model, Enumerable.Range(0, 4).Select(i => sampler.Sample(i)));
        var unread = ones(start.shape[0], dtype: ScalarType.Bool).index_fill_(0, tensor(read.ToArray()), false);
        Assert.True(unread.any().item<bool>(), "every row was read: the check below would check nothing");
        var moved = Table(model).detach().ne(start).any(1).logical_and(unread).nonzero().flatten();
        Assert.True(moved.shape[0] == 0, $"rows no episode read moved: {string.Join(", ", moved.data<long>().Take(20))} of {unread.sum().item<long>()} unread; start equal to fresh model: {BitEqual(Table(NewModel(algorithm, "cnn")).detach(), start)}");
    }

    [Fact]
    public void ASparseRunResumedAfterAKillEndsWithTheSameWeightsAsAnUninterruptedOne()
    {
        using var straightDir = new TempDir();
        using var killedDir = new TempDir();
        using var startDir = new TempDir();
        var start = Path.Combine(startDir.Path, "start.ckpt");
        Checkpoint.SaveModel(start, NewModel(PrototypicalNetwork.Name, "cnn"));
        var options = new MetaTrainerOptions { MaxEpisodes = 12, ValidateEvery = 0, CheckpointEvery = 6, LearningRate = 1e-2, SparseEmbeddings = true };
        new MetaTrainer().Train(Checkpoint.LoadModel(start), options, Train(), null, straightDir.Path);

        var killer = new MetaTrainer { OnProgress = e => { if (e.Episode >= 8) throw new SimulatedKill(); } };
        Assert.Throws<SimulatedKill>(() => killer.Train(Checkpoint.LoadModel(start), options, Train(), null, killedDir.Path));
        Assert.Equal(6, Checkpoint.ReadHeader(Path.Combine(killedDir.Path, MetaTrainer.StateFileName)).Progress!.EpisodesDone);
        var resumed = new MetaTrainer().Resume(killedDir.Path, Train(), null);

        Assert.Equal(12, resumed.Progress.EpisodesDone);
        Assert.True(MetaTrainer.ReadSavedRun(killedDir.Path).Trainer!.SparseEmbeddings);
        TrainingTests.AssertSameWeights(Path.Combine(straightDir.Path, MetaTrainer.StateFileName), Path.Combine(killedDir.Path, MetaTrainer.StateFileName));
        var (_, _, straightOptimizer) = Checkpoint.LoadTrainingState(Path.Combine(straightDir.Path, MetaTrainer.StateFileName), m => new ScalarSafeAdam(m.Learner.Module.parameters().Where(p => p.requires_grad), 1e-2, 0));
        var (_, _, resumedOptimizer) = Checkpoint.LoadTrainingState(Path.Combine(killedDir.Path, MetaTrainer.StateFileName), m => new ScalarSafeAdam(m.Learner.Module.parameters().Where(p => p.requires_grad), 1e-2, 0));
        var (x, y) = (straightOptimizer.state_dict().State, resumedOptimizer.state_dict().State);
        for (int i = 0; i < x.Count; i++) Assert.True(y[i].ApproximatelyEquals(x[i]), $"optimizer state {i} differs");
    }

    // The global ids of every token of the episodes' texts (pad and unknown included), as the model's tokenizer gives them.
    private static HashSet<long> TrainedVocabularyRows(FewShotModel model, IEnumerable<Episode> episodes)
    {
        var rows = new HashSet<long> { 0, 1 };
        foreach (var episode in episodes)
        {
            foreach (var text in episode.Support.Concat(episode.Query).Select(e => e.Text))
                rows.UnionWith(model.Embedder.Tokenizer.Encode(text).Select(id => (long)id));
        }
        return rows;
    }

    private static bool BitEqual(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    private sealed class SimulatedKill : Exception;
}
