using MetaNlp.Algorithms;
using MetaNlp.Data;
using MetaNlp.Encoders;
using MetaNlp.Evaluation;
using MetaNlp.Functional;
using MetaNlp.Models;
using MetaNlp.Tests.Data;
using MetaNlp.Training;
using static TorchSharp.torch;

namespace MetaNlp.Tests.Algorithms;

/// <summary>Matching, Siamese, Relation and Induction networks (and R2-D2's training): their maths on cases worked by hand, and real training.</summary>
// Seeded training on toy data: LibTorch's generator is one per process, and a test class running beside this one
// would draw from it between the seed and the weights it fixes, so the accuracy these tests assert would vary by run.
[Collection(SerialCollection.Name)]
public class MetricFamilyTests
{
    private static readonly Dictionary<string, (double X, double Y)> Vectors = new()
    {
        ["a"] = (1, 0),
        ["b"] = (0.8, 0.6),
        ["c"] = (0, 1),
        ["q"] = (0.6, 0.8),
    };

    private static readonly TextExample[] Support = [new("a", "x"), new("b", "x"), new("c", "y")];

    [Fact]
    public void MatchingAttentionIsTheSoftmaxOfCosinesAndVotesByLabel()
    {
        using var scope = NewDisposeScope();
        var learner = new MatchingNetwork(HandWorkedLearnerTests.Embedder(Vectors), new MatchingOptions { CosineScale = 1 });
        // cos(q, a) = 0.6, cos(q, b) = 0.48 + 0.48 = 0.96, cos(q, c) = 0.8; attention = softmax of those.
        double sum = Math.Exp(0.6) + Math.Exp(0.96) + Math.Exp(0.8);
        double px = (Math.Exp(0.6) + Math.Exp(0.96)) / sum;
        using var classifier = learner.Adapt(Support);
        var prediction = classifier.Predict(["q"])[0];
        Assert.Equal("x", prediction.Label);
        Assert.Equal(px, prediction.Probabilities[0], 5);
        Assert.Equal(1 - px, prediction.Probabilities[1], 5);
        var episode = new Episode(["x", "y"], Support, [new TextExample("q", "y")]);
        Assert.Equal(-Math.Log(1 - px), learner.EpisodeLoss(episode).item<float>(), 5);
    }

    [Fact]
    public void SquashKeepsTheDirectionAndMapsTheLengthIntoTheUnitInterval()
    {
        using var scope = NewDisposeScope();
        var v = tensor(new[] { 3.0, 4.0 }, [1, 2]);
        var squashed = DynamicRouting.Squash(v).data<double>().ToArray();
        double length = 25.0 / 26.0; // |v|^2 / (1 + |v|^2)
        Assert.Equal(length * 0.6, squashed[0], 9);
        Assert.Equal(length * 0.8, squashed[1], 9);
    }

    [Fact]
    public void DynamicRoutingFollowsTheIterationsWorkedByHand()
    {
        using var scope = NewDisposeScope();
        double[][] u = [[0.3, 0.4], [0.6, 0.0], [0.1, -0.2]];
        static double[] Squash(double[] v)
        {
            double n2 = v.Sum(x => x * x);
            return v.Select(x => x * n2 / (1 + n2) / Math.Sqrt(n2)).ToArray();
        }
        // Iteration 1: equal coupling; each later iteration adds u_j . c to u_j's logit.
        var logits = new double[3];
        double[] c = [];
        for (int iteration = 0; iteration < 3; iteration++)
        {
            var weights = logits.Select(Math.Exp).ToArray();
            double total = weights.Sum();
            var mix = new double[2];
            for (int j = 0; j < 3; j++) for (int d = 0; d < 2; d++) mix[d] += weights[j] / total * u[j][d];
            c = Squash(mix);
            for (int j = 0; j < 3; j++) logits[j] += u[j][0] * c[0] + u[j][1] * c[1];
        }
        var predictions = tensor(u.SelectMany(r => r).ToArray(), [1, 3, 2]);
        var induced = DynamicRouting.Induce(predictions, 3).data<double>().ToArray();
        Assert.Equal(c[0], induced[0], 9);
        Assert.Equal(c[1], induced[1], 9);
        var once = DynamicRouting.Induce(predictions, 1).data<double>().ToArray();
        var mean = Squash([(0.3 + 0.6 + 0.1) / 3, (0.4 + 0.0 - 0.2) / 3]);
        Assert.Equal(mean[0], once[0], 9);
        Assert.Equal(mean[1], once[1], 9);
    }

    [Fact]
    public void TheNeuralTensorLayerAndTheRelationModuleComputeTheirFormulas()
    {
        using var scope = NewDisposeScope();
        var induction = new InductionModule(2, 1);
        var relation = new RelationModule(2, 1);
        using (no_grad())
        {
            foreach (var (name, p) in induction.named_parameters())
            {
                if (name == "tensor_slices") p.copy_(eye(2).unsqueeze(0));
                else if (name == "relation.weight") p.fill_(1);
                else p.zero_();
            }
            foreach (var (_, p) in relation.named_parameters()) p.fill_(1);
            relation.named_parameters().Where(p => p.name.EndsWith("bias", StringComparison.Ordinal)).ToList().ForEach(p => p.parameter.zero_());
        }
        var classes = tensor(new[] { 1f, 2f, -1f, 0.5f }, [2, 2]);
        var queries = tensor(new[] { 0.5f, 1f }, [1, 2]);
        // NTN with M = I: relu(c . q): 0.5 + 2 = 2.5 and -0.5 + 0.5 = 0.
        Assert.Equal(new[] { 2.5f, 0f }, induction.Logits(queries, classes).data<float>().ToArray());
        // Relation MLP with all weights 1, biases 0, one hidden unit: relu of the sum of [c; q; |c - q|; c * q].
        // Class 1: (1 + 2) + (0.5 + 1) + (0.5 + 1) + (0.5 + 2) = 8.5; class 2: -0.5 + 1.5 + (1.5 + 0.5) + (-0.5 + 0.5) = 3.
        Assert.Equal(new[] { 8.5f, 3f }, relation.Logits(queries, classes).data<float>().ToArray());
    }

    [Fact]
    public void RelationLossesMatchTheirFormulas()
    {
        using var scope = NewDisposeScope();
        var logits = tensor(new[] { 0.0, Math.Log(3) }, [1, 2]);
        var label = tensor(new[] { 1L });
        // Softmax (1/4, 3/4): -ln(3/4). Sigmoids (1/2, 3/4) against (0, 1): (1/4 + 1/16) / 2.
        Assert.Equal(Math.Log(4.0 / 3), RelationLosses.Compute(RelationLoss.CrossEntropy, logits, label).item<double>(), 9);
        Assert.Equal(0.15625, RelationLosses.Compute(RelationLoss.MeanSquaredError, logits, label).item<double>(), 9);
    }

    [Fact]
    public void PairsAreLinearInTheExamplesBalancedAndLabelledBySameClass()
    {
        int[] labels = [0, 0, 1, 1, 1, 2, 0, 2];
        var pairs = PairSampler.Sample(labels, new Random(4));
        Assert.Equal(2 * labels.Length, pairs.Count);
        Assert.All(pairs, p => Assert.NotEqual(p.First, p.Second));
        Assert.All(pairs, p => Assert.Equal(labels[p.First] == labels[p.Second], p.Same));
        Assert.Equal(labels.Length, pairs.Count(p => p.Same));
        Assert.Equal(Enumerable.Range(0, labels.Length), pairs.Select(p => p.First).Distinct().Order());
        var lonely = PairSampler.Sample([0, 1, 1], new Random(1));
        Assert.Equal(5, lonely.Count); // class 0 has no partner: one negative pair only
        Assert.Equal(pairs, PairSampler.Sample(labels, new Random(4)));
        Assert.Equal(PairSampler.StableSeed(["a", "b"]), PairSampler.StableSeed(["a", "b"]));
        Assert.NotEqual(PairSampler.StableSeed(["a", "b"]), PairSampler.StableSeed(["ab"]));
    }

    [Fact]
    public void SiamesePairLossesMatchTheirFormulas()
    {
        using var scope = NewDisposeScope();
        var vectors = tensor(new[] { 2f, 0f, 0f, 3f }, [2, 2]);    // unit vectors (1, 0) and (0, 1): cosine 0, distance sqrt 2
        ExamplePair[] same = [new(0, 1, true)];
        ExamplePair[] different = [new(0, 1, false)];
        var cosine = new SiameseNetwork(HandWorkedLearnerTests.Embedder(Vectors));
        var contrastive = new SiameseNetwork(HandWorkedLearnerTests.Embedder(Vectors), new SiameseOptions { Loss = SiameseLoss.Contrastive, Margin = 2 });
        Assert.Equal(1f, cosine.PairLoss(vectors, same).item<float>(), 5);               // (0 - 1)^2
        Assert.Equal(0f, cosine.PairLoss(vectors, different).item<float>(), 5);          // (0 - 0)^2
        Assert.Equal(2f, contrastive.PairLoss(vectors, same).item<float>(), 5);          // d^2
        double apart = 2 - Math.Sqrt(2);
        Assert.Equal(apart * apart, contrastive.PairLoss(vectors, different).item<float>(), 5);   // (margin - d)^2
        using var classifier = cosine.Adapt(Support);
        Assert.Equal("x", classifier.Predict(["a"])[0].Label);
        Assert.Equal("y", classifier.Predict(["c"])[0].Label);
    }

    private static readonly IReadOnlyList<TextExample> Pool = ToyData.Examples(classes: 40, perClass: 12);
    private static readonly EpisodeSamplerOptions Shape = new() { Ways = 3, Shots = 2, Queries = 3 };

    public static TheoryData<string, string> Learners => new()
    {
        { MatchingNetwork.Name, "{}" },
        { MatchingNetwork.Name, "{\"fullContextEmbeddings\": true}" },
        { SiameseNetwork.Name, "{}" },
        { SiameseNetwork.Name, "{\"loss\": \"Contrastive\"}" },
        { RelationNetwork.Name, "{}" },
        { InductionNetwork.Name, "{}" },
        { DifferentiableRidge.Name, "{}" },
    };

    [Theory]
    [MemberData(nameof(Learners))]
    public void EveryMetricLearnerTrainsBeyondChanceAndReloadsFromItsCheckpoint(string algorithm, string options)
    {
        using var dir = new TempDir();
        manual_seed(5);
        var spec = FewShotModel.NewSpec(algorithm, System.Text.Json.JsonDocument.Parse(options).RootElement, new EncoderOptions { Kind = "cnn", EmbeddingDim = 16, Filters = 8 },
            Pool.Where(e => ToyData.Classes(0, 24).Contains(e.Label)).Select(e => e.Text));
        var model = FewShotModel.Create(spec);
        var train = new EpisodeSampler(Pool, ToyData.Classes(0, 24), Shape, 51);
        var test = new EpisodeSampler(Pool, ToyData.Classes(24, 40), Shape, 52);
        var trainer = new MetaTrainerOptions { MaxEpisodes = 120, ValidateEvery = 0, LearningRate = 1e-2, MetaBatchSize = 2, CheckpointEvery = 60 };
        var result = new MetaTrainer().Train(model, trainer, train, null, dir.Path);
        var trained = Checkpoint.LoadModel(result.ModelPath);
        double accuracy = EpisodeEvaluator.Evaluate(trained.Learner, test, 40).Accuracy.Mean;
        Assert.True(accuracy > 0.5, $"{algorithm} {options}: {accuracy:P1} on new classes after 120 episodes (chance 33%)");
        LearnerChecks.AssertSamePredictions(model.Learner, trained.Learner, test.Sample(0));
    }
}
