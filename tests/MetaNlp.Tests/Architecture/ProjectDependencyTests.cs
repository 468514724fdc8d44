using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Xml.Linq;

namespace MetaNlp.Tests.Architecture;

/// <summary>
/// The projects above the library (docs/ARCHITECTURE.md): the plots live in src/MetaNlp.Reports, over the library,
/// so the library and its package never carry ScottPlot, SkiaSharp 3 or HarfBuzz (docs/PACKAGING.md); the library
/// never refers to the projects that use it. The scale-out on Orleans lives in src/MetaNlp.Cluster, over the library
/// alone, so a library user who trains in one process carries no Orleans.
/// </summary>
public class ProjectDependencyTests
{
    private static string Src => Path.Combine(TestData.RepositoryRoot() ?? throw new InvalidOperationException("MetaNlp.slnx not found above the test binaries"), "src");

    private static (string[] Packages, string[] Projects) References(string project)
    {
        var xml = XDocument.Load(Path.Combine(Src, project, project + ".csproj"));
        string[] Of(string item) => [.. xml.Descendants(item).Select(e => (string?)e.Attribute("Include") ?? "")];
        return (Of("PackageReference"), [.. Of("ProjectReference").Select(p => Path.GetFileNameWithoutExtension(p))]);
    }

    [Fact]
    public void TheLibraryCarriesNoPlottingAndReportsSitsOnTheLibraryAlone()
    {
        var library = References("MetaNlp");
        Assert.Empty(library.Projects);
        Assert.DoesNotContain(library.Packages, p => p.StartsWith("ScottPlot", StringComparison.OrdinalIgnoreCase) || p.StartsWith("SkiaSharp", StringComparison.OrdinalIgnoreCase) || p.StartsWith("HarfBuzz", StringComparison.OrdinalIgnoreCase));
        var mentions = Directory.EnumerateFiles(Path.Combine(Src, "MetaNlp"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(f => File.ReadAllText(f).Contains("MetaNlp.Reports", StringComparison.Ordinal) || File.ReadAllText(f).Contains("ScottPlot", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(Src, f)).ToList();
        Assert.True(mentions.Count == 0, $"library files that refer to the plots: {string.Join(", ", mentions)}");

        var reports = References("MetaNlp.Reports");
        Assert.Equal(["MetaNlp"], reports.Projects);
        Assert.Contains("ScottPlot", reports.Packages);
        Assert.Contains("MetaNlp.Reports", References("MetaNlp.Cli").Projects);
    }

    [Fact]
    public void TheLibraryCarriesNoOrleansAndClusterSitsOnTheLibraryAlone()
    {
        var library = References("MetaNlp");
        Assert.DoesNotContain(library.Packages, p => p.StartsWith("Microsoft.Orleans", StringComparison.OrdinalIgnoreCase));
        var mentions = Directory.EnumerateFiles(Path.Combine(Src, "MetaNlp"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(f => File.ReadLines(f).Any(l => l.StartsWith("using Orleans", StringComparison.Ordinal) || l.StartsWith("using MetaNlp.Cluster", StringComparison.Ordinal)))
            .Select(f => Path.GetRelativePath(Src, f)).ToList();
        Assert.True(mentions.Count == 0, $"library files that use Orleans or the cluster: {string.Join(", ", mentions)}");

        var cluster = References("MetaNlp.Cluster");
        Assert.Equal(["MetaNlp"], cluster.Projects);
        Assert.Contains("Microsoft.Orleans.Server", cluster.Packages);
        Assert.DoesNotContain(References("MetaNlp.Reports").Packages, p => p.StartsWith("Microsoft.Orleans", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(References("MetaNlp.Server").Packages, p => p.StartsWith("Microsoft.Orleans", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The library namespaces whose types <paramref name="assembly"/> refers to, read from its metadata (every use compiles to a type reference).</summary>
    private static HashSet<string> LibraryNamespacesUsedBy(System.Reflection.Assembly assembly)
    {
        using var stream = File.OpenRead(assembly.Location);
        using var pe = new PEReader(stream);
        var metadata = pe.GetMetadataReader();
        return [.. metadata.TypeReferences.Select(h => metadata.GetTypeReference(h))
            .Where(r => r.ResolutionScope.Kind == HandleKind.AssemblyReference
                && metadata.GetString(metadata.GetAssemblyReference((AssemblyReferenceHandle)r.ResolutionScope).Name) == "MetaNlp")
            .Select(r => metadata.GetString(r.Namespace))];
    }

    [Fact]
    public void TheServiceLoadsModelsWithoutTheTrainer()
    {
        // The service loads saved models (MetaNlp.Models) and never trains; the CLI trains, which shows the reader sees uses.
        var service = LibraryNamespacesUsedBy(typeof(MetaNlp.Server.ServerApp).Assembly);
        Assert.Contains("MetaNlp.Models", service);
        Assert.DoesNotContain("MetaNlp.Training", service);
        Assert.Contains("MetaNlp.Training", LibraryNamespacesUsedBy(typeof(MetaNlp.Cli.Program).Assembly));
    }
}
