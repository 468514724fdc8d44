using MetaNlp.Data;
using MetaNlp.Text;

namespace MetaNlp.Tests.Data;

/// <summary>The benchmark loaders reproduce the counts written in each dataset's SOURCE.md.</summary>
public class BenchmarkLoaderTests
{
    [RealDataFact]
    public void Clinc150HasTheSourceCounts()
    {
        var ds = Clinc150Loader.Load(TestData.Path("clinc150"));
        Assert.Equal(["train", "val", "test", "oos_train", "oos_val", "oos_test"], ds.PartNames);
        Assert.Equal(15_000, ds.Part("train").Count);
        Assert.Equal(3_000, ds.Part("val").Count);
        Assert.Equal(4_500, ds.Part("test").Count);
        Assert.Equal(100, ds.Part("oos_train").Count);
        Assert.Equal(100, ds.Part("oos_val").Count);
        Assert.Equal(1_000, ds.Part("oos_test").Count);
        Assert.All(ds.Part("oos_test"), e => Assert.Equal("oos", e.Label));
        Assert.Equal(150, ds.Part("train").Select(e => e.Label).Distinct().Count());
        Assert.All(ds.Part("test").GroupBy(e => e.Label), g => Assert.Equal(30, g.Count()));
    }

    [RealDataFact]
    public void Banking77HasTheSourceCounts()
    {
        var ds = Banking77Loader.Load(TestData.Path("banking77"));
        Assert.Equal(10_003, ds.Part("train").Count);
        Assert.Equal(3_080, ds.Part("test").Count);
        Assert.Equal(77, ds.Classes.Count);
        Assert.All(ds.Part("test").GroupBy(e => e.Label), g => Assert.Equal(40, g.Count()));
        Assert.Equal(new TextExample("I am still waiting on my card?", "card_arrival"), ds.Part("train")[0]);
        // Quoted texts with commas survive the CSV parsing.
        Assert.Contains(ds.All, e => e.Text.Contains(',', StringComparison.Ordinal));
        Assert.Contains(ds.All, e => e.Text == "How do I know if I will get my card, or if it is lost?");
        Assert.Contains(ds.All, e => e.Text == "I initiated a payment a while ago and it is still showing as \"pending\", how long will it take to clear?");
    }

    [RealDataFact]
    public void FewRelHas16RelationsOf700AndMarksTheEntities()
    {
        var ds = FewRelLoader.Load(TestData.Path("fewrel"));
        Assert.Equal(11_200, ds.All.Count);
        Assert.Equal(16, ds.Classes.Count);
        Assert.All(ds.All.GroupBy(e => e.Label), g => Assert.Equal(700, g.Count()));
        Assert.All(ds.All, e =>
        {
            Assert.NotNull(e.Head);
            Assert.NotNull(e.Tail);
            foreach (var m in EntityMarkers.All) Assert.Single(e.Text.Split(' '), t => t == m);
        });

        // First P177 instance, checked by hand: head "Cape Girardeau Bridge" = tokens 26-28, tail "Mississippi River" = 19-20.
        var first = ds.All.First(e => e.Label == "P177");
        Assert.Equal(new TokenSpan(26, 29), first.Head);
        Assert.Equal(new TokenSpan(19, 21), first.Tail);
        Assert.Equal(
            "In June 1987 , the Missouri Highway and Transportation Department approved design location of a new four - lane " +
            "[E2] Mississippi River [/E2] bridge to replace the deteriorating [E1] Cape Girardeau Bridge [/E1] .",
            first.Text);

        var names = FewRelLoader.RelationTexts(TestData.Path("fewrel"));
        Assert.Equal("crosses: obstacle (body of water, road, ...) which this bridge crosses over or this tunnel goes under", names["P177"]);
        Assert.Equal("organization directed from the office or person", names["P2389"]); // Wikidata's "No description defined" is left out
        Assert.All(ds.Classes, c => Assert.True(names.ContainsKey(c), c));
    }

    [RealDataFact]
    public void HuffPostHas41ClassesOf900()
    {
        var ds = HuffPostLoader.Load(TestData.Path("huffpost_bao"));
        Assert.Equal(36_900, ds.All.Count);
        Assert.Equal(41, ds.Classes.Count);
        Assert.All(ds.All.GroupBy(e => e.Label), g => Assert.Equal(900, g.Count()));
        Assert.Equal(Enumerable.Range(0, 41).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).Order(StringComparer.Ordinal), ds.Classes);
        var split = HuffPostLoader.BaoSplit;
        Assert.Equal((20, 5, 16), (split.Train.Count, split.Validation.Count, split.Test.Count));
        Assert.Equal("19", split.Train[^1]);
        Assert.Equal(["20", "21", "22", "23", "24"], split.Validation);
        ClassSplitFile.Validate(split, ds);
    }

    [RealDataFact]
    public void ArscHas12CompleteTargetTasksAndReportsTheMissingTrainFiles()
    {
        var folder = TestData.Path("arsc");
        var tasks = ArscLoader.ReadTasks(folder);
        Assert.Equal(12, tasks.TargetTasks.Count);
        Assert.Equal(
            ["books.t2", "books.t4", "books.t5", "dvd.t2", "dvd.t4", "dvd.t5", "electronics.t2", "electronics.t4", "electronics.t5",
             "kitchen_housewares.t2", "kitchen_housewares.t4", "kitchen_housewares.t5"],
            tasks.TargetTasks.Select(t => t.Name));
        Assert.Equal(
            ["music.t2.train", "music.t4.train", "music.t5.train", "video.t2.train", "video.t4.train", "video.t5.train"],
            tasks.MissingFiles.Order(StringComparer.Ordinal));
        Assert.Equal(19 * 3 - 6, tasks.TrainingTasks.Count);
        Assert.DoesNotContain(tasks.TrainingTasks, t => t.DomainName is "music" or "video" or "books" or "musical_instruments");

        var ds = ArscLoader.Load(folder);
        Assert.Equal(219, ds.PartNames.Count);
        Assert.Equal(98_328, ds.All.Count);
        foreach (var task in tasks.TargetTasks)
        {
            var support = ds.Part(task.TrainPart);
            Assert.Equal(10, support.Count);
            Assert.Equal(5, support.Count(e => e.Label == ArscLoader.Positive));
            Assert.Equal(5, support.Count(e => e.Label == ArscLoader.Negative));
            Assert.All(support, e => Assert.Equal(task.Name, e.Domain));
            Assert.NotEmpty(ds.Part(task.TestPart));
        }
        Assert.All(tasks.TrainingTasks, t => Assert.True(ds.HasPart(t.TrainPart), t.TrainPart));
    }

    [RealDataTheory]
    [InlineData("BANKING77", 13_083, 77, new[] { 25, 25, 27, 25, 25, 27, 25, 25, 27, 25, 25, 27, 25, 25, 27 })]
    [InlineData("HWU64", 11_036, 64, new[] { 16, 23, 25, 30, 15, 19, 24, 18, 22, 20, 15, 29, 25, 11, 28 })]
    [InlineData("Liu", 25_478, 54, new[] { 18, 18, 18, 18, 18, 18, 18, 18, 18, 18, 18, 18, 18, 18, 18 })]
    [InlineData("OOS", 22_500, 150, new[] { 50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50 })]
    public void ProtAugmentHasTheSourceCountsAndSplits(string ds, int utterances, int intents, int[] splitSizes)
    {
        var folder = TestData.Path("protaugment_intent");
        var data = ProtAugmentIntentLoader.Load(folder, ds);
        Assert.Equal(utterances, data.All.Count);
        Assert.Equal(intents, data.Classes.Count);
        for (int s = 1; s <= 5; s++)
        {
            var split = ProtAugmentIntentLoader.LoadSplit(folder, ds, s);
            Assert.Equal(splitSizes[(s - 1) * 3], split.Train.Count);
            Assert.Equal(splitSizes[(s - 1) * 3 + 1], split.Validation.Count);
            Assert.Equal(splitSizes[(s - 1) * 3 + 2], split.Test.Count);
            Assert.Equal(intents, split.Train.Count + split.Validation.Count + split.Test.Count);
            ClassSplitFile.Validate(split, data);
        }
    }

    [RealDataFact]
    public void ProtAugmentAcceptsAliasesAndRejectsBadSplitIndex()
    {
        var folder = TestData.Path("protaugment_intent");
        Assert.Equal("Liu", ProtAugmentIntentLoader.FolderName("liu54"));
        Assert.Equal("OOS", ProtAugmentIntentLoader.FolderName("CLINC150"));
        Assert.Throws<ArgumentOutOfRangeException>(() => ProtAugmentIntentLoader.LoadSplit(folder, "BANKING77", 6));
        var e = Assert.Throws<ArgumentException>(() => ProtAugmentIntentLoader.FolderName("SNIPS"));
        Assert.Contains("BANKING77", e.Message);
    }

    [RealDataTheory]
    [InlineData("BANKING77", 8_622, 770, 385, 1_540, 3_080, 77)]
    [InlineData("CLINC150", 15_000, 1_500, 750, 3_000, 4_500, 150)]
    [InlineData("HWU64", 8_954, 640, 320, 1_076, 1_076, 64)]
    public void DnncHasTheSourceCounts(string ds, int train, int train10, int train5, int valid, int test, int intents)
    {
        var data = DnncLoader.Load(TestData.Path("fewshot_intent_dnnc"), ds);
        Assert.Equal(train, data.Part("train").Count);
        Assert.Equal(train10, data.Part("train_10").Count);
        Assert.Equal(train5, data.Part("train_5").Count);
        Assert.Equal(valid, data.Part("valid").Count);
        Assert.Equal(test, data.Part("test").Count);
        Assert.Equal(intents, data.Part("test").Select(e => e.Label).Distinct().Count());
        Assert.All(data.Part("train_5").GroupBy(e => e.Label), g => Assert.Equal(5, g.Count()));
        if (ds == "CLINC150")
        {
            Assert.Equal(["train", "train_5", "train_10", "valid", "test", "oos_test", "oos_train", "oos_valid"], data.PartNames);
            Assert.Equal(100, data.Part("oos_train").Count);
            Assert.Equal(100, data.Part("oos_valid").Count);
            Assert.Equal(1_000, data.Part("oos_test").Count);
        }
        else
        {
            Assert.Equal(["train", "train_5", "train_10", "valid", "test"], data.PartNames);
        }
    }

    [RealDataFact]
    public void DnncSnipsHasTrainValidTest()
    {
        Assert.Equal(36_900, DatasetFile.Load(TestData.Path("huffpost_bao"), "huffpost").All.Count);
        var data = DatasetFile.Load(TestData.Path("fewshot_intent_dnnc", "SNIPS"), "dnnc");
        Assert.Equal((13_084, 700, 700, 7), (data.Part("train").Count, data.Part("valid").Count, data.Part("test").Count, data.Classes.Count));
    }
}
