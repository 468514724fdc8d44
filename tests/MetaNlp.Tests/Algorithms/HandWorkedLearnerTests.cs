using MetaNlp.Algorithms;
using MetaNlp.Data;
using MetaNlp.Encoders;
using MetaNlp.Text;
using static TorchSharp.torch;

namespace MetaNlp.Tests.Algorithms;

/// <summary>Learners over a bag-of-embeddings encoder whose 2-d word vectors are set by hand, so every number can be checked on paper.</summary>
public class HandWorkedLearnerTests
{
    private static readonly Dictionary<string, (double X, double Y)> Vectors = new()
    {
        ["a"] = (0, 0),
        ["b"] = (2, 0),
        ["c"] = (0, 2),
        ["d"] = (0, 4),
        ["q"] = (1, 1),
        ["r"] = (2, 1),
    };

    private static readonly TextExample[] Support = [new("a", "x"), new("b", "x"), new("c", "y"), new("d", "y")];

    private static TextEmbedder Embedder() => Embedder(Vectors);

    /// <summary>A bag-of-embeddings embedder whose one-word texts have exactly the given 2-d vectors.</summary>
    internal static TextEmbedder Embedder(IReadOnlyDictionary<string, (double X, double Y)> vectors)
    {
        var vocabulary = new Vocabulary([Vocabulary.PadToken, Vocabulary.UnknownToken, .. vectors.Keys]);
        var encoder = new BagOfEmbeddingsEncoder(vocabulary.Count, new EncoderOptions { Kind = "boe", EmbeddingDim = 2 });
        using (no_grad())
        {
            var table = encoder.Parameters()["embedding"];
            foreach (var (word, (x, y)) in vectors)
            {
                table[vocabulary.IdOf(word), 0] = tensor((float)x);
                table[vocabulary.IdOf(word), 1] = tensor((float)y);
            }
        }
        encoder.eval();
        return new TextEmbedder(new WordTokenizer(vocabulary), encoder);
    }

    [Fact]
    public void PrototypicalNetworkLossAndProbabilitiesMatchTheHandComputation()
    {
        using var scope = NewDisposeScope();
        var learner = new PrototypicalNetwork(Embedder());
        // prototypes x = (1, 0), y = (0, 3); query q = (1, 1): squared distances 1 and 5, logits -1 and -5.
        var episode = new Episode(["x", "y"], Support, [new("q", "x")]);
        Assert.Equal(Math.Log(1 + Math.Exp(-4)), learner.EpisodeLoss(episode).item<float>(), 5);
        using var classifier = learner.Adapt(Support);
        var prediction = classifier.Predict(["q"])[0];
        Assert.Equal("x", prediction.Label);
        Assert.Equal(1 / (1 + Math.Exp(-4)), prediction.Probability, 5);
        Assert.Equal(1, prediction.Probabilities.Sum(), 6);
    }

    [Fact]
    public void NearestNeighbourUsesTheClosestSupportExampleAndSoftNeighbourLoss()
    {
        using var scope = NewDisposeScope();
        var learner = new NearestNeighbour(Embedder(), new NearestNeighbourOptions { Distance = MetricDistance.SquaredEuclidean });
        // r = (2, 1): squared distances to a, b, c, d are 5, 1, 5, 13; class scores (max) x = -1, y = -5.
        using var classifier = learner.Adapt(Support);
        var prediction = classifier.Predict(["r"])[0];
        Assert.Equal("x", prediction.Label);
        Assert.Equal(1 / (1 + Math.Exp(-4)), prediction.Probability, 5);
        // Soft nearest neighbour: logits are log-sum-exp over each class's support scores.
        double lx = Math.Log(Math.Exp(-5) + Math.Exp(-1)), ly = Math.Log(Math.Exp(-5) + Math.Exp(-13));
        double expected = -(lx - Math.Log(Math.Exp(lx) + Math.Exp(ly)));
        var episode = new Episode(["x", "y"], Support, [new("r", "x")]);
        Assert.Equal(expected, learner.EpisodeLoss(episode).item<float>(), 5);
    }

    [Fact]
    public void EpisodeLabelsDoNotDependOnClassOrder()
    {
        using var scope = NewDisposeScope();
        var learner = new PrototypicalNetwork(Embedder());
        var forward = learner.EpisodeLoss(new Episode(["x", "y"], Support, [new("q", "x")])).item<float>();
        var reversed = learner.EpisodeLoss(new Episode(["y", "x"], Support.Reverse().ToArray(), [new("q", "x")])).item<float>();
        Assert.Equal(forward, reversed, 6);
    }

    [Fact]
    public void AdaptRejectsSupportSetsWithOneLabel()
    {
        var learner = new PrototypicalNetwork(Embedder());
        var e = Assert.Throws<ArgumentException>(() => learner.Adapt([new("a", "x"), new("b", "x")]));
        Assert.Contains("at least two labels", e.Message);
    }
}
