using System.IO.Compression;
using System.Security.Cryptography;
using MetaNlp.Data;
using MetaNlp.Encoders;

namespace MetaNlp.Tests.Data;

/// <summary>The registry: names, URLs, checksums against the shared copies, loading with protocols.</summary>
public class RegistryTests
{
    [Fact]
    public void HasEveryBenchmarkOfTheDesign()
    {
        Assert.Equal(
            ["huffpost", "fewrel", "arsc", "intent-banking77", "intent-hwu64", "intent-liu54", "intent-clinc150",
             "dnnc-banking77", "dnnc-clinc150", "dnnc-hwu64", "clinc150-oos", "banking77", "clinc150",
             "fewclue-eprstmt", "fewclue-tnews", "fewclue-iflytek", "fewclue-csldcp", "fewclue-cross", "fewjoint"],
            DatasetRegistry.Names);
        foreach (var info in DatasetRegistry.All)
        {
            Assert.False(string.IsNullOrWhiteSpace(info.Description));
            Assert.False(string.IsNullOrWhiteSpace(info.Citation));
            // FewJoint ships as one zip with no per-file download, so it alone lists no files (loading checks its folder).
            if (info.Name == "fewjoint") Assert.Empty(info.Files);
            else Assert.NotEmpty(info.Files);
            Assert.All(info.Files, f =>
            {
                Assert.StartsWith(info.Folder + "/", f.RelativePath);
                Assert.Matches("^https://raw\\.githubusercontent\\.com/[^/]+/[^/]+/[0-9a-f]{40}/", f.Url);
                Assert.Matches("^[0-9a-f]{64}$", f.Sha256);
                Assert.True(f.Size > 0);
            });
        }
        Assert.Equal(221, DatasetRegistry.Get("arsc").Files.Count);
        Assert.Equal("https://raw.githubusercontent.com/Gorov/DiverseFewShot_Amazon/7417f3d7fec58a31150678213491cb4a2d290917/Amazon_few_shot/books.t2.train",
            DatasetRegistry.Get("arsc").Files.Single(f => f.RelativePath == "arsc/data/books.t2.train").Url);
        Assert.Equal(16, DatasetRegistry.Get("intent-liu54").Files.Count);
        Assert.Contains(DatasetRegistry.Get("dnnc-clinc150").Files, f => f.RelativePath == "fewshot_intent_dnnc/CLINC150/oos/test/seq.in");
        Assert.Same(DatasetRegistry.Get("huffpost"), DatasetRegistry.Get(" HuffPost "));
    }

    [Fact]
    public void UnknownNameListsTheKnownOnes()
    {
        var e = Assert.Throws<KeyNotFoundException>(() => DatasetRegistry.Get("imdb"));
        Assert.Contains("'imdb'", e.Message);
        Assert.Contains("huffpost, fewrel, arsc", e.Message);
    }

    [Fact]
    public void MissingFilesSayWhereAndHowToDownload()
    {
        using var dir = new TempDir();
        var e = Assert.Throws<FileNotFoundException>(() => DatasetRegistry.Get("banking77").Load(dir.Path));
        Assert.Contains(Path.Combine(dir.Path, "banking77", "train.csv"), e.Message);
        Assert.Contains("metanlp datasets download banking77", e.Message);
        Assert.Contains("does not exist", e.Message);
    }

    [Fact]
    public void DataDirectoryPrefersExplicitThenEnvironment()
    {
        Assert.Equal(Path.GetFullPath("/tmp/x"), DataDirectory.Resolve("/tmp/x"));
        var env = Environment.GetEnvironmentVariable(DataDirectory.EnvironmentVariable);
        var expected = string.IsNullOrWhiteSpace(env) ? DataDirectory.DefaultDirectory : Path.GetFullPath(env);
        Assert.Equal(expected, DataDirectory.Resolve(null));
        Assert.EndsWith(Path.Combine("metanlp", "datasets"), DataDirectory.DefaultDirectory);
    }

    [RealDataFact]
    public void EveryRegistryFileMatchesTheSharedCopy()
    {
        var root = TestData.Directory!;
        var checkedFiles = new HashSet<string>();
        foreach (var f in DatasetRegistry.All.SelectMany(i => i.Files))
        {
            if (!checkedFiles.Add(f.RelativePath)) continue;
            var path = DatasetInfo.LocalPath(root, f);
            byte[] bytes;
            if (File.Exists(path))
            {
                bytes = File.ReadAllBytes(path);
            }
            else
            {
                using var gz = new GZipStream(File.OpenRead(path + ".gz"), CompressionMode.Decompress);
                using var ms = new MemoryStream();
                gz.CopyTo(ms);
                bytes = ms.ToArray();
            }
            Assert.True(f.Size == bytes.Length, $"{f.RelativePath}: size {bytes.Length}, registry {f.Size}");
            Assert.True(f.Sha256 == Convert.ToHexStringLower(SHA256.HashData(bytes)), $"{f.RelativePath}: hash differs");
        }
        Assert.True(checkedFiles.Count > 300);
    }

    [RealDataFact]
    public void EveryEntryLoadsWithItsProtocol()
    {
        var root = TestData.Directory!;
        var huff = DatasetRegistry.Get("huffpost").Load(root);
        Assert.Equal(HuffPostLoader.BaoSplit, huff.Split);
        Assert.Equal((5, 25, 1000), (huff.Protocol.Ways, huff.Protocol.QueriesPerClass, huff.Protocol.TestEpisodes));

        var fewrel = DatasetRegistry.Get("fewrel").Load(root);
        Assert.Equal(["P25", "P26", "P40", "P59", "P155", "P177", "P206", "P361"], fewrel.Split!.Train);
        Assert.Equal(["P364", "P410", "P412"], fewrel.Split.Validation);
        Assert.Equal(["P413", "P463", "P641", "P921", "P2094"], fewrel.Split.Test);
        ClassSplitFile.Validate(fewrel.Split, fewrel.Dataset);
        Assert.Equal(16, fewrel.LabelNames.Count(kv => fewrel.Dataset.Classes.Contains(kv.Key)));

        var arsc = DatasetRegistry.Get("arsc").Load(root);
        Assert.Equal(BenchmarkKind.ArscTasks, arsc.Protocol.Kind);
        var arscTasks = Assert.IsType<ArscParts>(arsc.Parts).Tasks;
        Assert.Equal(12, arscTasks.TargetTasks.Count);
        Assert.Equal(6, arscTasks.MissingFiles.Count);

        var hwu3 = DatasetRegistry.Get("intent-hwu64").Load(root, new DatasetLoadOptions { SplitIndex = 3 });
        Assert.Equal((24, 18, 22), (hwu3.Split!.Train.Count, hwu3.Split.Validation.Count, hwu3.Split.Test.Count));
        Assert.Equal(600, hwu3.Protocol.TestEpisodes);
        foreach (var name in new[] { "intent-banking77", "intent-liu54", "intent-clinc150" })
        {
            var l = DatasetRegistry.Get(name).Load(root, new DatasetLoadOptions { SplitIndex = 5 });
            ClassSplitFile.Validate(l.Split!, l.Dataset);
        }

        var dnnc = DatasetRegistry.Get("dnnc-clinc150").Load(root, new DatasetLoadOptions { Shots = 10 });
        var dnncParts = Assert.IsType<FixedSupportParts>(dnnc.Parts);
        Assert.Equal("train_10", dnncParts.Support);
        Assert.Equal(1_500, dnnc.Dataset.Part(dnncParts.Support).Count);
        Assert.Equal(4_500, dnnc.Dataset.Part(dnncParts.Query).Count);
        Assert.Equal(1_000, dnnc.Dataset.Part(dnncParts.OutOfScope!.Test).Count);
        var hwu = DatasetRegistry.Get("dnnc-hwu64").Load(root);
        Assert.Equal(new FixedSupportParts("train_5", "test") { Validation = "valid" }, hwu.Parts);
        Assert.Throws<ArgumentException>(() => DatasetRegistry.Get("dnnc-banking77").Load(root, new DatasetLoadOptions { Shots = 3 }));

        var oos = DatasetRegistry.Get("clinc150-oos").Load(root);
        Assert.Equal(BenchmarkKind.OutOfScope, oos.Protocol.Kind);
        var oosParts = Assert.IsType<FixedSupportParts>(oos.Parts).OutOfScope!;
        Assert.Equal(1_000, oos.Dataset.Part(oosParts.Test).Count);
        Assert.Equal(100, oos.Dataset.Part(oosParts.Validation).Count);
        Assert.Same(EpisodicParts.Instance, hwu3.Parts);
        Assert.Equal(3_080, DatasetRegistry.Get("banking77").Load(root).Dataset.Part("test").Count);
        Assert.Equal(4_500, DatasetRegistry.Get("clinc150").Load(root).Dataset.Part("test").Count);
    }
}
