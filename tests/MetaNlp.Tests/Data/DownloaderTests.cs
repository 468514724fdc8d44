using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using MetaNlp.Data;

namespace MetaNlp.Tests.Data;

/// <summary>Downloads from a local HTTP server: verified files land atomically, bad ones leave nothing.</summary>
public class DownloaderTests
{
    private static readonly BenchmarkProtocol Protocol = new(BenchmarkKind.AllClasses, 2, [5], 0, 1, "test");

    private static string Sha(byte[] b) => Convert.ToHexStringLower(SHA256.HashData(b));

    private static (DatasetInfo Info, Dictionary<string, byte[]> Served) TinyEntry(bool corruptSecond)
    {
        var a = Encoding.UTF8.GetBytes("text,label\nhello,a\nworld,b\n");
        var b = Encoding.UTF8.GetBytes("text,label\nbye,a\n");
        var files = new[]
        {
            new DatasetFileEntry("tiny/train.csv", "https://example.invalid/train.csv", Sha(a), a.Length),
            new DatasetFileEntry("tiny/sub/test.csv", "https://example.invalid/test.csv", Sha(b), b.Length),
        };
        var served = new Dictionary<string, byte[]>
        {
            ["tiny/train.csv"] = a,
            ["tiny/sub/test.csv"] = corruptSecond ? Encoding.UTF8.GetBytes("text,label\nbyE,a\n") : b,
        };
        var info = new DatasetInfo("tiny", "a tiny test entry", "none", "tiny", Protocol, files,
            (i, folder, _) => new LoadedDataset(i, CsvDatasetReader.Load(Path.Combine(folder, "train.csv")), null, i.Protocol));
        return (info, served);
    }

    [Fact]
    public async Task DownloadsVerifiesAndSkipsPresentFiles()
    {
        var (info, served) = TinyEntry(corruptSecond: false);
        using var server = new LocalHttpServer(p => served.GetValueOrDefault(p));
        using var dir = new TempDir();
        using var http = new HttpClient();
        var downloader = new DatasetDownloader(http, server.BaseUri);
        var reports = new List<DownloadProgress>();
        var result = await downloader.DownloadAsync(info, dir.Path, new SyncProgress(reports.Add));
        Assert.Equal(["tiny/train.csv", "tiny/sub/test.csv"], result.Downloaded);
        Assert.Empty(result.Skipped);
        Assert.Equal(served["tiny/train.csv"], File.ReadAllBytes(Path.Combine(dir.Path, "tiny", "train.csv")));
        Assert.Equal(served["tiny/sub/test.csv"], File.ReadAllBytes(Path.Combine(dir.Path, "tiny", "sub", "test.csv")));
        Assert.Contains(reports, r => r.State == DownloadFileState.Completed && r.RelativePath == "tiny/sub/test.csv");
        Assert.Empty(Directory.GetFiles(dir.Path, "*.part", SearchOption.AllDirectories));
        Assert.Equal(2, info.Load(dir.Path).Dataset.All.Count);

        int requests = server.Requests;
        var again = await downloader.DownloadAsync(info, dir.Path);
        Assert.Empty(again.Downloaded);
        Assert.Equal(["tiny/train.csv", "tiny/sub/test.csv"], again.Skipped);
        Assert.Equal(requests, server.Requests);

        // A present file with the wrong content is fetched again.
        File.WriteAllText(Path.Combine(dir.Path, "tiny", "train.csv"), "text,label\ntampered,a\nxxxxx,b\n");
        var third = await downloader.DownloadAsync(info, dir.Path);
        Assert.Equal(["tiny/train.csv"], third.Downloaded);
        Assert.Equal(served["tiny/train.csv"], File.ReadAllBytes(Path.Combine(dir.Path, "tiny", "train.csv")));
    }

    [Fact]
    public async Task AnEntryWithoutFilesIsAnErrorThatSaysWhereItsDataComesFrom()
    {
        using var dir = new TempDir();
        using var http = new HttpClient();
        var e = await Assert.ThrowsAsync<ArgumentException>(() => new DatasetDownloader(http).DownloadAsync(DatasetRegistry.Get("fewjoint"), dir.Path));
        Assert.Contains("fewjoint", e.Message);
        Assert.Contains("FewJoint.zip", e.Message);
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public async Task ChecksumMismatchNamesFileAndHashesAndLeavesNothing()
    {
        var (info, served) = TinyEntry(corruptSecond: true);
        using var server = new LocalHttpServer(p => served.GetValueOrDefault(p));
        using var dir = new TempDir();
        using var http = new HttpClient();
        var e = await Assert.ThrowsAsync<DatasetDownloadException>(() => new DatasetDownloader(http, server.BaseUri).DownloadAsync(info, dir.Path));
        Assert.Contains("tiny/sub/test.csv", e.Message);
        Assert.Contains(info.Files[1].Sha256, e.Message);
        Assert.Contains(Sha(served["tiny/sub/test.csv"]), e.Message);
        Assert.False(File.Exists(Path.Combine(dir.Path, "tiny", "sub", "test.csv")));
        Assert.Empty(Directory.GetFiles(Path.Combine(dir.Path, "tiny", "sub")));
    }

    [Fact]
    public async Task WrongSizeAndHttpErrorsNameTheFile()
    {
        var (info, served) = TinyEntry(corruptSecond: false);
        served["tiny/sub/test.csv"] = Encoding.UTF8.GetBytes("text,label\nbye,a\nand more\n");
        served.Remove("tiny/train.csv");
        using var server = new LocalHttpServer(p => served.GetValueOrDefault(p));
        using var dir = new TempDir();
        using var http = new HttpClient();
        var downloader = new DatasetDownloader(http, server.BaseUri);
        var e = await Assert.ThrowsAsync<DatasetDownloadException>(() => downloader.DownloadAsync(info, dir.Path));
        Assert.Contains("tiny/train.csv", e.Message);
        Assert.Contains("404", e.Message);

        var single = new DatasetInfo("one", "d", "c", "tiny", Protocol, [info.Files[1]]);
        e = await Assert.ThrowsAsync<DatasetDownloadException>(() => downloader.DownloadAsync(single, dir.Path));
        Assert.Contains("tiny/sub/test.csv", e.Message);
        Assert.Contains("larger than the expected", e.Message);
        Assert.Empty(Directory.GetFiles(dir.Path, "*", SearchOption.AllDirectories));
    }

    [RealDataFact]
    public async Task DownloadsARealRegistryEntryThroughAMirror()
    {
        var info = DatasetRegistry.Get("banking77");
        var root = TestData.Directory!;
        using var server = new LocalHttpServer(p =>
        {
            var full = Path.GetFullPath(Path.Combine(root, p));
            return full.StartsWith(root, StringComparison.Ordinal) && File.Exists(full) ? File.ReadAllBytes(full) : null;
        });
        using var dir = new TempDir();
        using var http = new HttpClient();
        var result = await new DatasetDownloader(http, server.BaseUri).DownloadAsync(info, dir.Path);
        Assert.Equal(info.Files.Select(f => f.RelativePath), result.Downloaded);
        foreach (var f in info.Files)
        {
            var bytes = File.ReadAllBytes(DatasetInfo.LocalPath(dir.Path, f));
            Assert.Equal(f.Size, bytes.Length);
            Assert.Equal(f.Sha256, Sha(bytes));
        }
        var loaded = info.Load(dir.Path);
        Assert.Equal(10_003, loaded.Dataset.Part("train").Count);
    }

    [Fact]
    public async Task AGzipCopyWithTheRightContentCountsAsPresent()
    {
        using var dir = new TempDir();
        var content = Encoding.UTF8.GetBytes("great\t1\n");
        var target = Path.Combine(dir.Path, "arsc", "data", "x.t2.train");
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        using (var gz = new GZipStream(File.Create(target + ".gz"), CompressionLevel.Optimal)) gz.Write(content);
        var entry = new DatasetFileEntry("arsc/data/x.t2.train", "https://example.invalid/x", Sha(content), content.Length);
        Assert.True(await DatasetDownloader.IsPresentAsync(target, entry));
        Assert.False(await DatasetDownloader.IsPresentAsync(target, entry with { Sha256 = new string('0', 64) }));
    }

    [Fact]
    public void MirrorUrlsAreMirrorPlusRelativePath()
    {
        using var http = new HttpClient();
        var file = new DatasetFileEntry("fewshot_intent_dnnc/BANKING77/train_5/seq.in", "https://example.invalid/x", "00", 1);
        Assert.Equal("http://mirror.local/data/fewshot_intent_dnnc/BANKING77/train_5/seq.in",
            new DatasetDownloader(http, new Uri("http://mirror.local/data")).SourceOf(file).AbsoluteUri);
        Assert.Equal("https://example.invalid/x", new DatasetDownloader(http).SourceOf(file).AbsoluteUri);
    }

    /// <summary>IProgress that reports synchronously (Progress&lt;T&gt; posts to the thread pool).</summary>
    private sealed class SyncProgress(Action<DownloadProgress> report) : IProgress<DownloadProgress>
    {
        public void Report(DownloadProgress value)
        {
            lock (this) report(value);
        }
    }
}
