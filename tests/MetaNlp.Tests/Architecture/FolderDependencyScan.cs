using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace MetaNlp.Tests.Architecture;

/// <summary>One use of a type of another folder: which folder uses which, and where (the first place found).</summary>
public sealed record FolderDependency(string From, string To, string Where);

/// <summary>
/// Finds, with Roslyn's semantic model, which folders of the library use which: every name in a file of folder A
/// that binds to a type or member declared in namespace <c>MetaNlp.B</c> is a dependency of A on B (a <c>using</c>
/// that nothing uses is not). Folders and namespaces match one to one (<c>src/MetaNlp/Data</c> is
/// <c>MetaNlp.Data</c>); the files at the library's root (namespace <c>MetaNlp</c>) are "(root)".
/// </summary>
public static class FolderDependencyScan
{
    /// <summary>The folder name of the library's root files.</summary>
    public const string Root = "(root)";

    /// <summary>Every (from, to) pair of folders with one place that shows it, for the library under <paramref name="libraryFolder"/>.</summary>
    /// <exception cref="InvalidOperationException">The sources do not compile, so names would not bind.</exception>
    public static IReadOnlyList<FolderDependency> Find(string libraryFolder)
    {
        var sources = Directory.EnumerateFiles(libraryFolder, "*.cs", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(libraryFolder, p))
            .Where(p => p.Split(Path.DirectorySeparatorChar)[0] is not ("obj" or "bin"))
            .ToList();
        var options = new CSharpParseOptions(LanguageVersion.Latest);
        var trees = sources.Select(p => CSharpSyntaxTree.ParseText(File.ReadAllText(Path.Combine(libraryFolder, p)), options, p)).ToList();
        var compilation = CSharpCompilation.Create("Scan", trees.Append(CSharpSyntaxTree.ParseText(Roslyn.ImplicitUsings, options, "GlobalUsings.cs")), Roslyn.References(),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true, nullableContextOptions: NullableContextOptions.Enable));
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error && d.Id != "CS8795").Take(5).ToList();
        if (errors.Count > 0) throw new InvalidOperationException("the library's sources do not compile: " + string.Join("; ", errors));

        var found = new Dictionary<(string, string), string>();
        foreach (var tree in trees)
        {
            string from = FolderOf(tree.FilePath);
            var model = compilation.GetSemanticModel(tree);
            foreach (var name in tree.GetRoot().DescendantNodes().OfType<SimpleNameSyntax>())
            {
                if (name.FirstAncestorOrSelf<UsingDirectiveSyntax>() is not null) continue;
                var symbol = model.GetSymbolInfo(name).Symbol;
                var type = symbol as INamedTypeSymbol ?? symbol?.ContainingType;
                if (type?.ContainingNamespace is not { } ns || ns.ContainingAssembly?.Name != "Scan") continue;
                string to = FolderOfNamespace(ns.ToDisplayString());
                if (to == from || found.ContainsKey((from, to))) continue;
                found[(from, to)] = $"{tree.FilePath}:{name.GetLocation().GetLineSpan().StartLinePosition.Line + 1} ({type.Name})";
            }
        }
        return [.. found.Select(f => new FolderDependency(f.Key.Item1, f.Key.Item2, f.Value)).OrderBy(d => d.From, StringComparer.Ordinal).ThenBy(d => d.To, StringComparer.Ordinal)];
    }

    private static string FolderOf(string relativePath)
    {
        var parts = relativePath.Split(Path.DirectorySeparatorChar);
        return parts.Length == 1 ? Root : parts[0];
    }

    private static string FolderOfNamespace(string ns)
    {
        var parts = ns.Split('.');
        return parts.Length == 1 ? Root : parts[1];
    }
}
