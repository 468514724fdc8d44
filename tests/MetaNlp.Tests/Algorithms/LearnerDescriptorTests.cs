using System.Text.Json;
using MetaNlp.Algorithms;
using MetaNlp.Encoders;
using MetaNlp.Models;
using MetaNlp.Training;

namespace MetaNlp.Tests.Algorithms;

/// <summary>
/// Issue 18, item 2: each learner describes itself once (<see cref="LearnerDescriptor"/>), and its options are read,
/// defaulted and checked by its own record, in the format checkpoints have always stored.
/// </summary>
public class LearnerDescriptorTests
{
    public static TheoryData<string> Names => new(LearnerRegistry.Names);

    private static readonly EncoderOptions Tiny = new() { Kind = BagOfEmbeddingsEncoder.KindName, EmbeddingDim = 4 };

    [Theory]
    [MemberData(nameof(Names))]
    public void EachDescriptorBuildsItsOwnLearnerUnderItsName(string name)
    {
        var descriptor = LearnerRegistry.Find(name);
        var model = FewShotModel.Create(FewShotModel.NewSpec(name, (JsonElement?)null, Tiny, ["a b c", "d e f"]));
        using var module = model.Learner.Module;
        Assert.IsType(descriptor.LearnerType, model.Learner);
        Assert.Equal(name, model.Learner.Algorithm);
        Assert.Equal(descriptor.Family == LearnerFamily.Gradient, model.Learner is GradientLearner);
    }

    [Fact]
    public void NamesAreUniqueAndAnUnknownOneListsTheKnown()
    {
        Assert.Equal(LearnerRegistry.Names.Count, LearnerRegistry.Names.Distinct().Count());
        var e = Assert.Throws<ArgumentException>(() => LearnerRegistry.Find("protonets"));
        Assert.Contains("'protonets'", e.Message);
        Assert.Contains(PrototypicalNetwork.Name, e.Message);
    }

    [Fact]
    public void APartialObjectTakesTheRecordsDefaultsAndTheSpecStoresItWhole()
    {
        var partial = JsonDocument.Parse("""{"distance":"Cosine"}""").RootElement;
        var spec = FewShotModel.NewSpec(PrototypicalNetwork.Name, partial, Tiny, ["a b"]);
        Assert.Equal("""{"distance":"Cosine","cosineScale":10}""", spec.AlgorithmOptions!.Value.GetRawText());
        var read = (PrototypicalOptions)LearnerRegistry.Find(PrototypicalNetwork.Name).ReadOptions(partial);
        Assert.Equal(new PrototypicalOptions { Distance = MetricDistance.Cosine }, read);
    }

    // The options JSON of a checkpoint written before the descriptors (the CLI's `train --algo maml --inner-steps 2
    // --test-inner-steps 3 --inner-lr 0.2`): read into the same record and written back byte for byte.
    [Fact]
    public void OptionsStoredByEarlierCheckpointsReadAndWriteBackUnchanged()
    {
        const string stored = """{"innerSteps":2,"testInnerSteps":3,"innerLearningRate":0.2,"innerOptimizer":"Sgd","firstOrder":false,"adaptEncoder":true,"taskLocalEmbeddings":true}""";
        var maml = LearnerRegistry.Find(Maml.Name);
        var options = maml.ReadOptions(JsonDocument.Parse(stored).RootElement);
        Assert.Equal(new GradientLearnerOptions { InnerSteps = 2, TestInnerSteps = 3, InnerLearningRate = 0.2 }, options);
        Assert.Equal(stored, maml.ToJson(options).GetRawText());
    }

    [Fact]
    public void FirstOrderMamlIsFirstOrderWhateverItsOptionsSay()
    {
        var fomaml = LearnerRegistry.Find(Maml.FirstOrderName);
        Assert.True(((GradientLearnerOptions)fomaml.ReadOptions(JsonDocument.Parse("""{"firstOrder":false}""").RootElement)).FirstOrder);
        Assert.True(((GradientLearnerOptions)fomaml.ReadOptions(null)).FirstOrder);
        Assert.True(((GradientLearnerOptions)fomaml.Build(new Dictionary<string, object>())).FirstOrder);
        Assert.False(((GradientLearnerOptions)LearnerRegistry.Find(Maml.Name).ReadOptions(null)).FirstOrder);
    }

    [Theory]
    [InlineData("protonet", """{"cosineScale":0}""", "CosineScale")]
    [InlineData("induction", """{"routingIterations":101}""", "RoutingIterations")]
    [InlineData("reptile", """{"innerLearningRate":1e30}""", "InnerLearningRate")]
    [InlineData("siamese", """{"loss":"MeanSquaredError"}""", "siamese")]
    [InlineData("r2d2", """{"penalty":0}""", "Penalty")]
    public void OptionsOutOfBoundsOrOfTheWrongShapeAreRefusedNamingWhat(string name, string json, string named)
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => LearnerRegistry.ValidateOptions(name, JsonDocument.Parse(json).RootElement));
        Assert.Contains(named, e.Message);
    }

    [Fact]
    public void AnOptionAppliesWhereTheLearnersOwnRecordHasItWithThatType()
    {
        var protonet = LearnerRegistry.Find(PrototypicalNetwork.Name);
        Assert.True(protonet.Accepts(nameof(PrototypicalOptions.Distance), typeof(MetricDistance)));
        Assert.False(protonet.Accepts(nameof(MatchingOptions.FullContextEmbeddings), typeof(bool)));
        Assert.False(protonet.Accepts(nameof(PrototypicalOptions.CosineScale), typeof(int)));
        // Siamese and relation losses share a property name; the type tells them apart.
        var siamese = LearnerRegistry.Find(SiameseNetwork.Name);
        Assert.True(siamese.Accepts(nameof(SiameseOptions.Loss), typeof(SiameseLoss)));
        Assert.False(siamese.Accepts(nameof(RelationOptions.Loss), typeof(RelationLoss)));
    }

    [Fact]
    public void TheRecipesMetricFillsInOnlyWhereTheLearnerHasOneAndNoneIsGiven()
    {
        var recipe = TrainingRecipe.General[0] with { Distance = MetricDistance.Cosine };
        var none = new Dictionary<string, object>();
        Assert.Equal(MetricDistance.Cosine, ((PrototypicalOptions)recipe.LearnerOptions(LearnerRegistry.Find(PrototypicalNetwork.Name), none)).Distance);
        var given = new Dictionary<string, object> { [nameof(PrototypicalOptions.Distance)] = MetricDistance.SquaredEuclidean };
        Assert.Equal(MetricDistance.SquaredEuclidean, ((NearestNeighbourOptions)recipe.LearnerOptions(LearnerRegistry.Find(NearestNeighbour.Name), given)).Distance);
        Assert.Equal(new GradientLearnerOptions(), recipe.LearnerOptions(LearnerRegistry.Find(Maml.Name), none));
        Assert.Throws<ArgumentException>(() => recipe.LearnerOptions(LearnerRegistry.Find(Maml.Name), given));
    }

    [Fact]
    public void BuildSetsTheGivenPropertiesAndRefusesOthers()
    {
        var matching = LearnerRegistry.Find(MatchingNetwork.Name);
        var built = matching.Build(new Dictionary<string, object> { [nameof(MatchingOptions.FullContextEmbeddings)] = true, [nameof(MatchingOptions.CosineScale)] = 4.0 });
        Assert.Equal(new MatchingOptions { FullContextEmbeddings = true, CosineScale = 4 }, built);
        var e = Assert.Throws<ArgumentException>(() => matching.Build(new Dictionary<string, object> { [nameof(GradientLearnerOptions.InnerSteps)] = 3 }));
        Assert.Contains("InnerSteps", e.Message);
        Assert.Throws<ArgumentException>(() => matching.Validate(new PrototypicalOptions()));
    }
}
