using Microsoft.CodeAnalysis;

namespace MetaNlp.Tests;

/// <summary>What the Roslyn scans of the library's sources share: the references and the implicit usings they compile with.</summary>
internal static class Roslyn
{
    /// <summary>The SDK's implicit usings for a library (ImplicitUsings enable in Directory.Build.props).</summary>
    public const string ImplicitUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Net.Http;
        global using System.Threading;
        global using System.Threading.Tasks;
        """;

    /// <summary>The framework and the test folder's package assemblies, to compile the library's sources against (not MetaNlp's own, which would define its types twice).</summary>
    public static IEnumerable<MetadataReference> References()
    {
        var platform = ((string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        // The test's own folder has TorchSharp and the library's packages; MetaNlp*.dll would define the scanned types twice.
        var packages = Directory.EnumerateFiles(AppContext.BaseDirectory, "*.dll").Where(p => !Path.GetFileName(p).StartsWith("MetaNlp", StringComparison.Ordinal));
        return platform.Concat(packages).DistinctBy(Path.GetFileName).Where(IsManaged).Select(p => MetadataReference.CreateFromFile(p));
    }

    private static bool IsManaged(string path)
    {
        try
        {
            System.Reflection.AssemblyName.GetAssemblyName(path);
            return true;
        }
        catch (BadImageFormatException)
        {
            return false;
        }
    }
}
