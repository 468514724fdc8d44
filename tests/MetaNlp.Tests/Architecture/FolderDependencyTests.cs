using System.Text.RegularExpressions;

namespace MetaNlp.Tests.Architecture;

/// <summary>
/// The library's folders in layers (docs/ARCHITECTURE.md): a folder may use the folders of lower layers only, so
/// the maths never depends on the data, the data never on the learners, and nothing but the API on the API. A new
/// folder must be placed here; a use that breaks a layer fails the test unless it is a known exception, and a known
/// exception that no longer occurs must be struck off, so the list only shrinks.
/// </summary>
public partial class FolderDependencyTests
{
    private static readonly string[][] Layers =
    [
        [FolderDependencyScan.Root],        // OptionBounds, StaleTempFiles, AtomicFile: checks and writes every layer shares
        ["Workarounds"],                   // TorchSharp workarounds: Scalars, native heap and threads, Scalar-safe optimizers
        ["Functional", "Interop", "Pretrained"], // tensor maths; the safetensors format; the pretrained model's files
        ["Text"],                          // tokenizers and text rules
        ["Data"],                          // datasets, splits, episodes, the registry
        ["Encoders", "Generation"],        // text encoders over token ids; text generation (metrics, seq2seq tasks)
        ["Algorithms"],                    // learners over an embedder
        ["Models"],                        // a saved model: spec, factory, checkpoint file, safetensors export
        ["Evaluation", "Explain"],         // protocols and explanations over a learner
        ["Training"],                      // trainer, resume, sources, recipes
        ["Api"],                           // the one-call facade over all of it
        ["Studies"],                       // measurements over many training runs through the facade
    ];

    // Uses that break the layers, each with why and what removes it. None is left: the last four (the dataset registry
    // declaring training recipes) went when the recipes moved to Training/DatasetRecipes.cs (issue 18). A new entry
    // needs a reason and a plan.
    private static readonly (string From, string To, string Why)[] KnownExceptions = [];

    private static string Library => Path.Combine(TestData.RepositoryRoot() ?? throw new InvalidOperationException("MetaNlp.slnx not found above the test binaries"), "src", "MetaNlp");

    private static int LayerOf(string folder) => Array.FindIndex(Layers, l => l.Contains(folder));

    [Fact]
    public void EveryFolderUsesOnlyLowerLayers()
    {
        var found = FolderDependencyScan.Find(Library);
        Assert.True(found.Count > 10, $"the scan found only {found.Count} dependencies");
        var unplaced = found.SelectMany(d => new[] { d.From, d.To }).Distinct().Where(f => LayerOf(f) < 0).ToList();
        Assert.True(unplaced.Count == 0, $"folders with no layer in {nameof(Layers)} (place them, and in docs/ARCHITECTURE.md): {string.Join(", ", unplaced)}");

        var broken = found.Where(d => LayerOf(d.To) >= LayerOf(d.From)).ToList();
        var unexpected = broken.Where(d => !KnownExceptions.Any(k => k.From == d.From && k.To == d.To))
            .Select(d => $"{d.From} uses {d.To} ({d.Where})").ToList();
        Assert.True(unexpected.Count == 0, "uses against the layers (docs/ARCHITECTURE.md):\n" + string.Join("\n", unexpected));
        var gone = KnownExceptions.Where(k => !broken.Any(d => d.From == k.From && d.To == k.To)).Select(k => $"{k.From} -> {k.To}").ToList();
        Assert.True(gone.Count == 0, $"known exceptions that no longer occur: strike them off {nameof(KnownExceptions)} and docs/ARCHITECTURE.md: {string.Join(", ", gone)}");
    }

    [Fact]
    public void EachFileDeclaresTheNamespaceOfItsFolder()
    {
        var wrong = Directory.EnumerateFiles(Library, "*.cs", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(Library, p))
            .Where(p => p.Split(Path.DirectorySeparatorChar)[0] is not ("obj" or "bin"))
            .Select(p => (Path: p, Expected: p.Contains(Path.DirectorySeparatorChar) ? $"MetaNlp.{p.Split(Path.DirectorySeparatorChar)[0]}" : "MetaNlp",
                Declared: NamespaceLine().Match(File.ReadAllText(Path.Combine(Library, p))).Groups[1].Value))
            .Where(f => f.Declared != f.Expected)
            .Select(f => $"{f.Path}: namespace {f.Declared}, folder says {f.Expected}").ToList();
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }

    [Fact]
    public void TheScanSeesAUseThroughAnyName()
    {
        using var dir = new Data.TempDir();
        Directory.CreateDirectory(Path.Combine(dir.Path, "Low"));
        Directory.CreateDirectory(Path.Combine(dir.Path, "High"));
        File.WriteAllText(Path.Combine(dir.Path, "Low", "Thing.cs"), "namespace MetaNlp.Low;\npublic static class Thing { public static int Value => 1; }\n");
        // An unused using is no dependency; a fully qualified name is one.
        File.WriteAllText(Path.Combine(dir.Path, "High", "User.cs"), "using MetaNlp.Low;\nnamespace MetaNlp.High;\npublic static class User { public static int Get() => 2; }\n");
        File.WriteAllText(Path.Combine(dir.Path, "High", "Other.cs"), "namespace MetaNlp.High;\npublic static class Other { public static int Get() => MetaNlp.Low.Thing.Value; }\n");
        var found = FolderDependencyScan.Find(dir.Path);
        var only = Assert.Single(found);
        Assert.Equal(("High", "Low"), (only.From, only.To));
        Assert.Contains("Other.cs", only.Where);
    }

    [GeneratedRegex(@"^namespace ([\w.]+);", RegexOptions.Multiline)]
    private static partial Regex NamespaceLine();
}
