using MetaNlp.Algorithms;
using MetaNlp.Data;
using MetaNlp.Models;
using MetaNlp.Tests.Checkpoints;
using MetaNlp.Tests.Data;
using static TorchSharp.torch;

namespace MetaNlp.Tests.Algorithms;

/// <summary>Label-semantic support: which text a label reads as, how support sets grow, and the prototypes worked by hand.</summary>
public class LabelTextTests
{
    [Theory]
    [InlineData("card_arrival", "card arrival")]
    [InlineData("transfer-not-received", "transfer not received")]
    [InlineData("cardArrival", "card Arrival")]
    [InlineData("__a__b__", "a b")]
    [InlineData("oos", "oos")]
    [InlineData("food & drink", "food & drink")]
    public void HumanizeMakesSeparatorsAndCaseChangesSpaces(string label, string expected) => Assert.Equal(expected, LabelTexts.Humanize(label));

    [Fact]
    public void NamesWinThenTheLabelItselfAndALabelWithoutALetterHasNone()
    {
        var texts = new LabelTexts { Names = new Dictionary<string, string> { ["P26"] = "spouse", ["7"] = "queer voices" } };
        Assert.Equal("spouse", texts.Describe("P26"));
        Assert.Equal("queer voices", texts.Describe("7"));
        Assert.Equal("P27", texts.Describe("P27"));
        Assert.Null(texts.Describe("8"));
    }

    [Fact]
    public void AugmentAddsOneExamplePerClassInOrderOfFirstAppearanceOrNone()
    {
        var texts = new LabelTexts();
        TextExample[] support = [new("a", "go_home"), new("b", "stay"), new("c", "go_home")];
        Assert.Equal([.. support, new TextExample("go home", "go_home"), new TextExample("stay", "stay")], texts.Augment(support));
        TextExample[] numbered = [new("a", "1"), new("b", "stay")];
        Assert.Same(numbered, texts.Augment(numbered));

        var episode = new Episode(["stay", "go_home"], support, [new TextExample("q", "stay")]);
        var augmented = texts.Augment(episode);
        Assert.Equal([1, 0, 1, 1, 0], augmented.SupportLabels);
        Assert.Equal(episode.QueryLabels, augmented.QueryLabels);

        var weighed = new LabelTexts { Weight = 2 }.Augment(support);
        Assert.Equal([.. support, new TextExample("go home", "go_home"), new TextExample("go home", "go_home"), new TextExample("stay", "stay"), new TextExample("stay", "stay")], weighed);
        Assert.Same(numbered, new LabelTexts { Weight = 2 }.Augment(numbered));
    }

    [Fact]
    public void PrototypesAverageTheLabelTextWithTheExamples()
    {
        using var scope = NewDisposeScope();
        var vectors = new Dictionary<string, (double X, double Y)> { ["a"] = (1, 0), ["b"] = (0.8, 0.6), ["c"] = (0, 1), ["q"] = (0.6, 0.8) };
        var inner = new PrototypicalNetwork(HandWorkedLearnerTests.Embedder(vectors));
        var learner = new LabelTextLearner(inner, new LabelTexts { Names = new Dictionary<string, string> { ["x"] = "b", ["y"] = "c" } });
        TextExample[] support = [new("a", "x"), new("c", "y")];
        // Alone: prototypes x = a = (1, 0), y = c = (0, 1); q is 0.8 from x and 0.4 from y (squared), so y.
        using (var plain = inner.Adapt(support)) Assert.Equal("y", plain.Predict(["q"])[0].Label);
        // With the label texts: x = (a + b) / 2 = (0.9, 0.3), y = (c + c) / 2 = (0, 1); q is 0.34 from x and 0.40 from y.
        double px = 1 / (1 + Math.Exp(-0.06));
        using var classifier = learner.Adapt(support);
        var prediction = classifier.Predict(["q"])[0];
        Assert.Equal("x", prediction.Label);
        Assert.Equal(px, prediction.Probabilities[0], 5);
        var episode = new Episode(["x", "y"], support, [new TextExample("q", "x")]);
        Assert.Equal(-Math.Log(px), learner.EpisodeLoss(episode).item<float>(), 5);
        Assert.Equal(-Math.Log(px), learner.EpisodeLosses([episode, episode])[1].item<float>(), 5);
    }

    [Fact]
    public void AWeightCountsTheLabelTextAsThatManyExamples()
    {
        using var scope = NewDisposeScope();
        var vectors = new Dictionary<string, (double X, double Y)> { ["a"] = (1, 0), ["b"] = (0, 1), ["c"] = (0, 1), ["d"] = (1, 0), ["q"] = (0.6, 0.8) };
        var inner = new PrototypicalNetwork(HandWorkedLearnerTests.Embedder(vectors));
        var names = new Dictionary<string, string> { ["x"] = "b", ["y"] = "d" };
        TextExample[] support = [new("a", "x"), new("a", "x"), new("c", "y"), new("c", "y")];
        // Weight 1: x = (2a + b) / 3 = (2/3, 1/3), y = (2c + d) / 3 = (1/3, 2/3); q is 2/9 from x and 4/45 from y (squared).
        // Weight 2: x = (2a + 2b) / 4 = (0.5, 0.5), y = (0.5, 0.5): the two prototypes meet and q is even between them.
        using (var one = new LabelTextLearner(inner, new LabelTexts { Names = names }).Adapt(support))
            Assert.Equal(1 / (1 + Math.Exp((2.0 / 9) - (4.0 / 45))), one.Predict(["q"])[0].Probabilities[0], 5);
        using var two = new LabelTextLearner(inner, new LabelTexts { Names = names, Weight = 2 }).Adapt(support);
        Assert.Equal(0.5, two.Predict(["q"])[0].Probabilities[0], 5);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(LabelTexts.MaxWeight + 1)]
    public void AWeightOutOfBoundsIsRefusedByName(int weight) =>
        Assert.Contains("Label text weight", Assert.ThrowsAny<ArgumentException>(() => new LabelTexts { Weight = weight }.Validate()).Message);

    [Fact]
    public void ACheckpointKeepsTheLabelTextsAndPredictsTheSame()
    {
        using var dir = new TempDir();
        var small = CheckpointFiles.SmallModel();
        var texts = new LabelTexts { Names = new Dictionary<string, string> { ["class0"] = "alpha beta", ["class1"] = "gamma" }, Weight = 3 };
        var model = FewShotModel.Create(small.Spec with { LabelTexts = texts });
        Assert.IsType<LabelTextLearner>(model.Learner);
        var support = ToyData.Examples(classes: 3, perClass: 2);
        string[] queries = [.. ToyData.Examples(classes: 3, perClass: 4).Skip(2).Select(e => e.Text)];
        var path = System.IO.Path.Combine(dir.Path, "m.ckpt");
        Checkpoint.SaveModel(path, model);
        var loaded = Checkpoint.LoadModel(path);
        Assert.Equal(texts.Names, loaded.Spec.LabelTexts!.Names);
        Assert.Equal(3, loaded.Spec.LabelTexts.Weight);
        using var before = model.Learner.Adapt(support);
        using var after = loaded.Learner.Adapt(support);
        var expected = before.Predict(queries);
        var actual = after.Predict(queries);
        Assert.Equal(expected.Select(p => p.Label), actual.Select(p => p.Label));
        for (int i = 0; i < expected.Count; i++) Assert.Equal(expected[i].Probabilities, actual[i].Probabilities);
    }

    [Fact]
    public void AnEmptyOrOverlongNameIsRefusedByName()
    {
        var spec = CheckpointFiles.SmallModel().Spec;
        var e = Assert.Throws<ArgumentException>(() => (spec with { LabelTexts = new LabelTexts { Names = new Dictionary<string, string> { ["P26"] = " " } } }).Validate());
        Assert.Contains("'P26'", e.Message);
        e = Assert.Throws<ArgumentException>(() => new LabelTexts { Names = new Dictionary<string, string> { ["x"] = new string('a', LabelTexts.MaxNameLength + 1) } }.Validate());
        Assert.Contains("at most", e.Message);
    }

    [Fact]
    public void ANamesFileIsReadAndItsErrorsNameTheFileAndTheLabel()
    {
        using var dir = new TempDir();
        var names = LabelTexts.ReadNames(dir.File("ok.json", "{\"Q12\": \"refund for a cancelled order\", \"Q13\": \"late delivery\"}"));
        Assert.Equal("late delivery", new LabelTexts { Names = names }.Describe("Q13"));
        var bad = dir.File("bad.json", "{\"Q12\": 3}");
        var e = Assert.Throws<DatasetFormatException>(() => LabelTexts.ReadNames(bad));
        Assert.Contains(bad, e.Message);
        Assert.Contains("Q12", e.Message);
        var empty = dir.File("empty.json", "{\"Q12\": \" \"}");
        Assert.Contains("empty", Assert.Throws<DatasetFormatException>(() => LabelTexts.ReadNames(empty)).Message);
        var list = dir.File("list.json", "[\"a\"]");
        Assert.Contains("JSON object", Assert.Throws<DatasetFormatException>(() => LabelTexts.ReadNames(list)).Message);
    }
}
