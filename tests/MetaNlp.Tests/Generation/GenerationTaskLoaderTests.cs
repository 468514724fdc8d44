using System.IO.Compression;
using System.Text;
using MetaNlp.Data;
using MetaNlp.Generation;

namespace MetaNlp.Tests.Generation;

// Counts from each data folder's SOURCE.md (verified there by parsing); the tests skip without the data.
public class GenerationTaskLoaderTests
{
    private static string Data => TestData.Directory!;

    [RealDataFact]
    public void TatoebaHas112PairsAndTheDocumentedCounts()
    {
        var tasks = TranslationTasks.Tatoeba(Data);
        Assert.Equal(112, tasks.Count);
        Assert.Equal(88_877, tasks.Sum(t => t.Pairs.Count));
        Assert.Equal(72, tasks.Count(t => t.Pairs.Count == 1000));
        Assert.Equal(86, tasks.Count(t => t.Pairs.Count >= 500));
        var sizes = tasks.ToDictionary(t => t.Name, t => t.Pairs.Count);
        Assert.Equal(104, sizes["tzl-eng"]);
        Assert.Equal(823, sizes["slv-eng"]);
        Assert.Equal(1000, sizes["ron-eng"]);
        Assert.All(tasks, t => Assert.Equal(GenerationTaskFamily.Translation, t.Family));
        Assert.Equal("eng-fra", TranslationTasks.Tatoeba(Data, intoEnglish: false).Single(t => t.Name == "eng-fra").Name);
    }

    [RealDataFact]
    public void NtrexHasEveryReferenceAs1997AlignedSentences()
    {
        var tasks = TranslationTasks.Ntrex(Data);
        // 127 references + the second Spanish one + 2 Swiss German, less the 3 English re-writes.
        Assert.Equal(127, tasks.Count);
        Assert.All(tasks, t => Assert.Equal(1997, t.Pairs.Count));
        Assert.Contains(tasks, t => t.Name == "eng-spa-2");
        Assert.Contains(tasks, t => t.Name == "eng-gsw-ZH");
        Assert.DoesNotContain(tasks, t => t.Name.StartsWith("eng-eng", StringComparison.Ordinal));
        var fra = tasks.Single(t => t.Name == "eng-fra");
        Assert.Equal(TranslationTasks.Ntrex(Data, intoEnglish: true).Single(t => t.Name == "fra-eng").Pairs[5].Target, fra.Pairs[5].Source);
    }

    [RealDataFact]
    public void Multi30kHasTwelveDirectionsWithTheDocumentedSizes()
    {
        var train = TranslationTasks.Multi30k(Data, "train");
        Assert.Equal(["cs-de", "cs-en", "cs-fr", "de-cs", "de-en", "de-fr", "en-cs", "en-de", "en-fr", "fr-cs", "fr-de", "fr-en"], train.Select(t => t.Name));
        Assert.All(train, t => Assert.Equal(29_000, t.Pairs.Count));
        // Multi-way parallel: line i is the same caption in every direction.
        var enDe = train.Single(t => t.Name == "en-de").Pairs[7];
        Assert.Equal(enDe.Source, train.Single(t => t.Name == "en-fr").Pairs[7].Source);
        Assert.Equal(enDe.Target, train.Single(t => t.Name == "fr-de").Pairs[7].Target);
        Assert.All(TranslationTasks.Multi30k(Data, "val"), t => Assert.Equal(1014, t.Pairs.Count));
        Assert.All(TranslationTasks.Multi30k(Data, "test_2016_flickr"), t => Assert.Equal(1000, t.Pairs.Count));
        var mscoco = TranslationTasks.Multi30k(Data, "test_2017_mscoco");
        Assert.Equal(6, mscoco.Count);
        Assert.All(mscoco, t => Assert.Equal(461, t.Pairs.Count));
        Assert.All(TranslationTasks.Multi30k(Data, "test_2018_flickr"), t => Assert.Equal(1071, t.Pairs.Count));
        Assert.Throws<ArgumentException>(() => TranslationTasks.Multi30k(Data, "test"));
    }

    [RealDataFact]
    public void FewShotWozHasSevenDomainsWithTheDocumentedSizes()
    {
        var train = NlgTasks.FewShotWoz(Data, "train").ToDictionary(t => t.Name, t => t.Pairs.Count);
        var test = NlgTasks.FewShotWoz(Data, "test").ToDictionary(t => t.Name, t => t.Pairs.Count);
        Assert.Equal(new Dictionary<string, int> { ["attraction"] = 50, ["hotel"] = 50, ["laptop"] = 50, ["restaurant"] = 50, ["taxi"] = 40, ["train"] = 50, ["tv"] = 50 }, train);
        Assert.Equal(new Dictionary<string, int> { ["attraction"] = 340, ["hotel"] = 78, ["laptop"] = 1379, ["restaurant"] = 129, ["taxi"] = 47, ["train"] = 657, ["tv"] = 680 }, test);
        var first = NlgTasks.FewShotWoz(Data, "train").Single(t => t.Name == "restaurant").Pairs[0];
        Assert.Equal(new GenerationPair("inform(name='hakka restaurant';pricerange=moderate)", "hakka restaurant is moderate -ly priced"), first);
    }

    [RealDataFact]
    public void FewShotSgdHasSixteenDomainsWithTheDocumentedSizes()
    {
        var train = NlgTasks.FewShotSgd(Data, "train").ToDictionary(t => t.Name, t => t.Pairs.Count);
        var test = NlgTasks.FewShotSgd(Data, "test").ToDictionary(t => t.Name, t => t.Pairs.Count);
        Assert.Equal(16, train.Count);
        Assert.Equal((23, 3320), (train["sgd_banks"], test["sgd_banks"]));
        Assert.Equal((11, 1935), (train["sgd_weather"], test["sgd_weather"]));
        Assert.Equal((50, 9618), (train["sgd_restaurants"], test["sgd_restaurants"]));
        Assert.Equal(23 + 50 + 25 + 50 + 50 + 21 + 50 + 14 + 30 + 21 + 50 + 50 + 48 + 50 + 14 + 11, train.Values.Sum());
        Assert.Equal(3320 + 4272 + 5325 + 8362 + 2725 + 5636 + 4016 + 5689 + 7371 + 7326 + 2879 + 9618 + 8197 + 7939 + 5281 + 1935, test.Values.Sum());
    }

    [RealDataFact]
    public void RnnlgHasFourDomainsWithTheDocumentedSizes()
    {
        Dictionary<string, int> Sizes(string split) => NlgTasks.Rnnlg(Data, split).ToDictionary(t => t.Name, t => t.Pairs.Count);
        Assert.Equal(new Dictionary<string, int> { ["hotel"] = 3223, ["laptop"] = 7944, ["restaurant"] = 3114, ["tv"] = 4221 }, Sizes("train"));
        Assert.Equal(new Dictionary<string, int> { ["hotel"] = 1075, ["laptop"] = 2649, ["restaurant"] = 1039, ["tv"] = 1407 }, Sizes("valid"));
        Assert.Equal(new Dictionary<string, int> { ["hotel"] = 1075, ["laptop"] = 2649, ["restaurant"] = 1039, ["tv"] = 1407 }, Sizes("test"));
    }

    [RealDataFact]
    public void NlgMetaTrainingIsRnnlgTrainAndFewShotSgdWholeNeverFewShotWoz()
    {
        var tasks = GenerationTaskSets.MetaTraining(GenerationTaskFamily.Nlg, Data);
        Assert.Equal(20, tasks.Count);
        Assert.Equal(["rnnlg-hotel", "rnnlg-laptop", "rnnlg-restaurant", "rnnlg-tv"], tasks.Take(4).Select(t => t.Name));
        Assert.Equal(3223 + 7944 + 3114 + 4221, tasks.Take(4).Sum(t => t.Pairs.Count));
        Assert.Equal(23 + 3320, tasks.Single(t => t.Name == "sgd_banks").Pairs.Count);
        Assert.Equal(108_950, tasks.Sum(t => t.Pairs.Count));
        // No test example of FewShotWOZ's MultiWOZ domains is meta-trained on. (Its restaurant, hotel, laptop and tv
        // test examples come from RNNLG's test split, which is not read, but short ones such as goodbye() → "goodbye"
        // recur in RNNLG's training split: those domains are held out by leaving their RNNLG task out.)
        var seen = tasks.SelectMany(t => t.Pairs).ToHashSet();
        Assert.DoesNotContain(NlgTasks.FewShotWoz(Data, "test").Where(t => t.Name is "attraction" or "train" or "taxi").SelectMany(t => t.Pairs), seen.Contains);
    }

    [RealDataFact]
    public void ConvoSummEmailHas265ValidationAnd250TestThreads()
    {
        Assert.Equal(265, SummarizationTasks.ConvoSummEmail(Data, "validation").Pairs.Count);
        var test = SummarizationTasks.ConvoSummEmail(Data, "test");
        Assert.Equal(250, test.Pairs.Count);
        Assert.Equal(GenerationTaskFamily.Summarization, test.Family);
    }

    [Fact]
    public void UnknownSplitIsRejected()
    {
        Assert.Throws<ArgumentException>(() => NlgTasks.FewShotWoz("/nonexistent", "dev"));
        Assert.Throws<ArgumentException>(() => SummarizationTasks.ConvoSummEmail("/nonexistent", "train"));
    }

    [Fact]
    public void MissingFolderIsNamed()
    {
        var e = Assert.Throws<DirectoryNotFoundException>(() => TranslationTasks.Tatoeba("/nonexistent-metanlp"));
        Assert.Contains("/nonexistent-metanlp/tatoeba_laser/v1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MisalignedPairFilesNameTheFile()
    {
        var dir = Directory.CreateTempSubdirectory("metanlp-gen-");
        try
        {
            var v1 = Directory.CreateDirectory(Path.Combine(dir.FullName, "tatoeba_laser", "v1")).FullName;
            WriteGz(Path.Combine(v1, "tatoeba.fra-eng.fra.gz"), "un\ndeux\n");
            WriteGz(Path.Combine(v1, "tatoeba.fra-eng.eng.gz"), "one\n");
            var e = Assert.Throws<DatasetFormatException>(() => TranslationTasks.Tatoeba(dir.FullName));
            Assert.EndsWith("tatoeba.fra-eng.eng.gz", e.FilePath, StringComparison.Ordinal);

            WriteGz(Path.Combine(v1, "tatoeba.fra-eng.eng.gz"), "one\n\n");
            var empty = Assert.Throws<DatasetFormatException>(() => TranslationTasks.Tatoeba(dir.FullName));
            Assert.Equal(2, empty.LineNumber);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void MalformedNlgEntryNamesFileAndEntry()
    {
        var dir = Directory.CreateTempSubdirectory("metanlp-gen-");
        try
        {
            var domain = Directory.CreateDirectory(Path.Combine(dir.FullName, "fewshotwoz", "hotel")).FullName;
            WriteGz(Path.Combine(domain, "train.json.gz"), "[[\"inform(a=b)\", \"a is b\"], [\"inform(a=c)\"]]");
            var e = Assert.Throws<DatasetFormatException>(() => NlgTasks.FewShotWoz(dir.FullName, "train"));
            Assert.Equal("entry 2", e.Field);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static void WriteGz(string path, string text)
    {
        using var gzip = new GZipStream(File.Create(path), CompressionLevel.Fastest);
        gzip.Write(Encoding.UTF8.GetBytes(text));
    }
}
