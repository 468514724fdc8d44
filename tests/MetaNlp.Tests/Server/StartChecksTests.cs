using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Runtime.Versioning;
using MetaNlp.Server;
using MetaNlp.Tests.Cli;
using MetaNlp.Tests.Data;
using Microsoft.Data.Sqlite;

namespace MetaNlp.Tests.Server;

/// <summary>
/// The service refuses to start on a database it cannot use (one error naming the file, nothing written into it), and
/// says so when a stored classifier's base model is not loaded (a warning at start, 409 on its requests, a degraded
/// /health) instead of answering 500.
/// </summary>
[UnsupportedOSPlatform("windows")]   // file modes and chattr
public class StartChecksTests(ServiceFixture fixture) : IClassFixture<ServiceFixture>
{
    // A database of one classifier with 400 examples (about 30 pages), closed, so that the file holds all of it.
    private static string PopulatedDatabase(TempDir dir)
    {
        string path = Path.Combine(dir.Path, "classifiers.db");
        var store = new ClassifierStore(path);
        store.Create("c", "samples", 0, Enumerable.Range(0, 400).Select(i => ($"{new string('a', 100)} text number {i}", $"l{i % 2}")).ToArray());
        SqliteConnection.ClearAllPools();
        Assert.False(File.Exists(path + "-wal") && new FileInfo(path + "-wal").Length > 0, "the write-ahead log was not folded into the database");
        return path;
    }

    private static DatabaseUnavailableException Refused(string path, params string[] says)
    {
        var e = Assert.Throws<DatabaseUnavailableException>(() => new ClassifierStore(path));
        Assert.Contains(Path.GetFullPath(path), e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
        foreach (var text in says) Assert.Contains(text, e.Message, StringComparison.Ordinal);
        return e;
    }

    [Fact]
    public void ADirectoryAsTheDatabaseIsRefused()
    {
        using var dir = new TempDir();
        Refused(dir.Path, "is a directory");
    }

    [Fact]
    public void AFileThatIsNotSqliteIsRefusedAndLeftAsItWas()
    {
        using var dir = new TempDir();
        string path = dir.File("notes.db", string.Concat(Enumerable.Repeat("these are my notes, not a database\n", 200)));
        byte[] before = File.ReadAllBytes(path);
        Refused(path, "not a SQLite database");
        Assert.Equal(before, File.ReadAllBytes(path));
    }

    [Fact]
    public void ATruncatedDatabaseIsRefused()
    {
        using var dir = new TempDir();
        string path = PopulatedDatabase(dir);
        using (var file = File.OpenWrite(path)) file.SetLength(file.Length / 2);
        Refused(path, "damaged");
    }

    [Fact]
    public void ADatabaseDamagedInTheMiddleIsRefusedAndNotWrittenTo()
    {
        using var dir = new TempDir();
        string path = PopulatedDatabase(dir);
        var noise = new byte[2000];
        new Random(1).NextBytes(noise);
        using (var file = new FileStream(path, FileMode.Open, FileAccess.Write))
        {
            file.Position = file.Length / 2;
            file.Write(noise);
        }
        byte[] before = File.ReadAllBytes(path);
        Refused(path, "damaged");
        Assert.Equal(before, File.ReadAllBytes(path));
    }

    [Fact]
    public void AReadOnlyDatabaseIsRefused()
    {
        using var dir = new TempDir();
        string path = PopulatedDatabase(dir);
        using (new ReadOnly(path)) Refused(path, "read-only");
    }

    [Fact]
    public void AFolderThatCannotBeWrittenIsRefused()
    {
        using var dir = new TempDir();
        string folder = Path.Combine(dir.Path, "locked");
        Directory.CreateDirectory(folder);
        using (new ReadOnly(folder))
        {
            Refused(Path.Combine(folder, "new.db"), "cannot be created");
            Refused(Path.Combine(folder, "sub", "new.db"), "cannot be created");
        }
    }

    [Fact]
    public void ServeRefusesABadDatabaseWithOneLineNamingItAndExitCode2()
    {
        using var dir = new TempDir();
        string notes = dir.File("notes.db", "not a database at all, just some text that is long enough to be read as a header\n");
        string readOnly = PopulatedDatabase(dir);
        foreach (var (db, says) in new[] { (notes, "not a SQLite database"), (dir.Path, "is a directory") })
            AssertRefused(CliRunner.RunFor(TimeSpan.FromSeconds(60), "serve", "--urls", "http://127.0.0.1:0", "--db", db, "--api-key", "k"), db, says);
        using (new ReadOnly(readOnly))
            AssertRefused(CliRunner.RunFor(TimeSpan.FromSeconds(60), "serve", "--urls", "http://127.0.0.1:0", "--db", readOnly, "--api-key", "k"), readOnly, "read-only");
    }

    private static void AssertRefused(CliRunner.Result r, string path, string says)
    {
        Assert.True(r.ExitCode == 2, $"exit {r.ExitCode}; stderr: {r.Stderr}");
        var lines = r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, r.Stderr);
        Assert.StartsWith("error: ", lines[0], StringComparison.Ordinal);
        Assert.Contains(path, lines[0], StringComparison.Ordinal);
        Assert.Contains(says, lines[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task AClassifierWhoseBaseModelIsNotLoadedAnswers409AndHealthSaysDegraded()
    {
        string database = fixture.NewDatabase();
        var body = new { name = "tickets", examples = fixture.Support.Select(e => new { text = e.Text, label = e.Label }).ToArray() };
        string id;
        await using (var host = await ServiceHost.StartAsync(fixture.ModelPath, database))
        {
            var created = await host.Client.SendAsync(ServiceHost.Authorized(HttpMethod.Post, "/api/classifiers", body));
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            id = (await ServiceHost.Json(created)).GetProperty("id").GetString()!;
        }

        // Restarted with the checkpoint under another name: "samples" is not loaded any more.
        var warnings = new List<string>();
        await using (var host = await ServiceHost.StartAsync(fixture.ModelPath, database, o => o with { BaseModels = [new BaseModelSource("other", fixture.ModelPath)] }, warnings.Add))
        {
            string warning = Assert.Single(warnings);
            foreach (var text in new[] { "tickets", id, "'samples'", "--model samples=" }) Assert.Contains(text, warning, StringComparison.Ordinal);

            foreach (var response in new[]
            {
                await host.Client.PostAsJsonAsync($"/api/classifiers/{id}/classify", new { texts = new[] { "hello" } }),
                await host.Client.PostAsJsonAsync($"/api/classifiers/{id}/explain", new { text = "hello" }),
            })
            {
                Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                string problem = await response.Content.ReadAsStringAsync();
                Assert.Contains("'samples'", problem, StringComparison.Ordinal);
                Assert.Contains("--model samples=", problem, StringComparison.Ordinal);
            }

            // Its examples can still be read, and /health says what does not work.
            Assert.Equal(HttpStatusCode.OK, (await host.Client.GetAsync($"/api/classifiers/{id}")).StatusCode);
            var healthResponse = await host.Client.GetAsync("/health");
            Assert.Equal(HttpStatusCode.OK, healthResponse.StatusCode);
            var health = await ServiceHost.Json(healthResponse);
            Assert.Equal("degraded", health.GetProperty("status").GetString());
            Assert.Equal(1, health.GetProperty("unavailableClassifiers").GetInt32());
            Assert.Contains("'samples'", Assert.Single(health.GetProperty("problems").EnumerateArray()).GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AWriteThatTheDatabaseRefusesAfterTheStartAnswers503()
    {
        using var dir = new TempDir();
        string database = Path.Combine(dir.Path, "classifiers.db");
        await using var host = await ServiceHost.StartAsync(fixture.ModelPath, database);
        using (new ReadOnly(database))
        {
            SqliteConnection.ClearAllPools();   // connections opened from now on find the file read-only
            var body = new { name = "x", examples = new[] { new { text = "a", label = "p" }, new { text = "b", label = "q" } } };
            var response = await host.Client.SendAsync(ServiceHost.Authorized(HttpMethod.Post, "/api/classifiers", body));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            string problem = await response.Content.ReadAsStringAsync();
            Assert.Contains("read-only", problem, StringComparison.Ordinal);
            Assert.DoesNotContain(dir.Path, problem, StringComparison.Ordinal);   // the server's paths stay on the server
        }
        SqliteConnection.ClearAllPools();
    }

    /// <summary>
    /// Makes a file or folder read-only for this process: its mode, and for root (whom modes do not stop) the
    /// immutable attribute. Undone on dispose, so that the temporary folder can be removed.
    /// </summary>
    [UnsupportedOSPlatform("windows")]
    private sealed class ReadOnly : IDisposable
    {
        private readonly string _path;
        private readonly UnixFileMode _mode;

        public ReadOnly(string path)
        {
            _path = path;
            _mode = File.GetUnixFileMode(path);
            File.SetUnixFileMode(path, _mode & ~(UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite));
            if (Environment.IsPrivilegedProcess) Chattr("+i");
        }

        public void Dispose()
        {
            if (Environment.IsPrivilegedProcess) Chattr("-i");
            File.SetUnixFileMode(_path, _mode);
        }

        private void Chattr(string flag)
        {
            using var process = Process.Start(new ProcessStartInfo("chattr", [flag, _path]) { RedirectStandardError = true })!;
            string error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, $"chattr {flag} {_path}: {error}");
        }
    }
}
