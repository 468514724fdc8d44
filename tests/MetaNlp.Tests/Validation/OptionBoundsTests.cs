using MetaNlp.Algorithms;
using MetaNlp.Data;
using MetaNlp.Encoders;
using MetaNlp.Models;
using MetaNlp.Text;
using MetaNlp.Workarounds;

namespace MetaNlp.Tests.Validation;

/// <summary>Issue 19, item 2 in the library: each options record's Validate() names the option and its range.</summary>
public class OptionBoundsTests
{
    public static TheoryData<string, Action> OutOfBounds() => new()
    {
        { "Filters", () => new EncoderOptions { Filters = -5 }.Validate() },
        { "Filters", () => new EncoderOptions { Filters = 2_000_000_000 }.Validate() },
        { "EmbeddingDim", () => new EncoderOptions { EmbeddingDim = 100_000_000 }.Validate() },
        { "FilterWidths", () => new EncoderOptions { FilterWidths = [] }.Validate() },
        { "Heads", () => new EncoderOptions { Heads = 0 }.Validate() },
        { "Dropout", () => new EncoderOptions { Dropout = double.NaN }.Validate() },
        { "Encoder", () => new EncoderOptions { Kind = "gpt" }.Validate() },
        { "Shots", () => new EpisodeSamplerOptions { Shots = int.MaxValue }.Validate() },
        { "100,000", () => new EpisodeSamplerOptions { Ways = 1000, Shots = 10_000, Queries = 10_000 }.Validate() },
        { "LearningRate", () => new MetaTrainerOptions { LearningRate = 1e30 }.Validate() },
        { "LearningRate", () => new MetaTrainerOptions { LearningRate = double.PositiveInfinity }.Validate() },
        { "WeightDecay", () => new MetaTrainerOptions { WeightDecay = double.NaN }.Validate() },
        { "MetaBatchSize", () => new MetaTrainerOptions { MetaBatchSize = 1_000_000 }.Validate() },
        { "InnerLearningRate", () => new GradientLearnerOptions { InnerLearningRate = 1e30 }.Validate() },
        { "InnerSteps", () => new GradientLearnerOptions { InnerSteps = int.MaxValue }.Validate() },
        { "CosineScale", () => new PrototypicalOptions { CosineScale = double.NaN }.Validate() },
        { "Distance", () => new NearestNeighbourOptions { Distance = (MetricDistance)42 }.Validate() },
        { "TensorSlices", () => new InductionOptions { TensorSlices = 1_000_000 }.Validate() },
        { "MaxLength", () => new WordTokenizerOptions { MaxLength = -1 }.Validate() },
        { "learning rate", () => new ContrastiveOptions { LearningRate = 1e30 }.Validate() },
        { "Threads", () => NativeThreads.SetThreads(0) },
        { "Threads", () => NativeThreads.SetThreads(-1) },
    };

    [Theory]
    [MemberData(nameof(OutOfBounds))]
    public void AValueOutOfBoundsThrowsNamingTheOption(string named, Action validate)
    {
        var e = Assert.ThrowsAny<ArgumentException>(validate);
        Assert.Contains(named, OptionBounds.MessageOf(e));
        Assert.DoesNotContain("(Parameter", OptionBounds.MessageOf(e));
    }

    [Fact]
    public void TheDefaultsAndTheLimitsThemselvesAreAccepted()
    {
        new EncoderOptions().Validate();
        new EncoderOptions { EmbeddingDim = EncoderOptions.MaxSize, Filters = EncoderOptions.MaxSize, WordDropout = 1, FineTuneLayers = -1 }.Validate();
        new EpisodeSamplerOptions().Validate();
        new EpisodeSamplerOptions { Ways = 10, Shots = 5_000, Queries = 5_000 }.Validate();
        new MetaTrainerOptions { LearningRate = MetaTrainerOptions.MaxLearningRate }.Validate();
        new GradientLearnerOptions().Validate();
        new ContrastiveOptions().Validate();
        new WordTokenizerOptions().Validate();
    }

    [Fact]
    public void AModelWithSizesOutOfBoundsIsRefusedBeforeAnyTensorIsMade()
    {
        var spec = FewShotModel.NewSpec(PrototypicalNetwork.Name, null, new EncoderOptions { EmbeddingDim = 8, Filters = 4 }, ["a b c"]);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => FewShotModel.Create(spec with { Encoder = spec.Encoder with { Filters = 2_000_000_000 } }));
        Assert.Contains("Filters", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => FewShotModel.NewSpec(PrototypicalNetwork.Name, null, new EncoderOptions { EmbeddingDim = 100_000_000 }, ["a b c"]));
        Assert.Throws<ArgumentOutOfRangeException>(() => EncoderFactory.Create(new EncoderOptions { Filters = -5 }, 10));
    }
}
