using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace MetaNlp.Tests.Functional;

/// <summary>
/// Finds, with Roslyn's semantic model, every place where C# code hands LibTorch a TorchSharp <c>Scalar</c> that
/// nothing keeps alive. TorchSharp 0.107 reads a Scalar's native handle and then calls LibTorch; a Scalar that no
/// field or <c>using</c> variable holds is unreachable from that moment, so the GC finalizer can free it during the
/// native call (LibTorch then fails, e.g. "toFloat: Expected false to be true", or the process aborts inside
/// autograd). Temporaries come from three places:
/// <list type="bullet">
/// <item>an implicit or explicit conversion of a number to Scalar anywhere but a field initialiser;</item>
/// <item><c>ToScalar()</c> passed straight to a call (not stored in a field or a <c>using</c> variable);</item>
/// <item>TorchSharp overloads that make one inside: <c>add(x)</c> and <c>add_(x)</c> (alpha 1),
/// <c>addcdiv(a, b)</c> (value 1), <c>arange</c> with fewer than three Scalars, and the arithmetic operators of
/// <c>Tensor</c> (<c>a + b</c> is <c>a.add(b)</c>; with a number the operator converts it).</item>
/// </list>
/// </summary>
public static class TemporaryScalarScan
{
    /// <summary>Compiles <paramref name="sources"/> against the test's references and returns "file:line: why" per temporary Scalar.</summary>
    /// <exception cref="InvalidOperationException">The sources do not compile: the scan would miss what it cannot bind.</exception>
    public static IReadOnlyList<string> Find(IEnumerable<(string Path, string Text)> sources)
    {
        var options = new CSharpParseOptions(LanguageVersion.Latest);
        var trees = sources.Select(s => CSharpSyntaxTree.ParseText(s.Text, options, s.Path))
            .Append(CSharpSyntaxTree.ParseText(Roslyn.ImplicitUsings, options, "GlobalUsings.cs")).ToList();
        var compilation = CSharpCompilation.Create("Scan", trees, Roslyn.References(),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true, nullableContextOptions: NullableContextOptions.Enable));
        // CS8795: a [LibraryImport] partial method, whose body a source generator (not run here) writes.
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error && d.Id != "CS8795").Take(5).ToList();
        if (errors.Count > 0) throw new InvalidOperationException("the scanned sources do not compile: " + string.Join("; ", errors));

        var scalar = compilation.GetTypeByMetadataName("TorchSharp.Scalar") ?? throw new InvalidOperationException("TorchSharp.Scalar not referenced");
        var tensor = compilation.GetTypeByMetadataName("TorchSharp.torch+Tensor") ?? throw new InvalidOperationException("TorchSharp Tensor not referenced");
        var found = new List<string>();
        foreach (var tree in trees)
        {
            var model = compilation.GetSemanticModel(tree);
            // Implicit conversions share their operand's syntax, so walk operation trees, not syntax nodes.
            var roots = tree.GetRoot().DescendantNodes().Select(n => model.GetOperation(n)).Where(o => o is { Parent: null });
            foreach (var operation in roots.SelectMany(r => r!.DescendantsAndSelf()))
            {
                var why = operation switch
                {
                    IConversionOperation c when c.Conversion.IsUserDefined && Same(c.Type, scalar) && !InFieldInitializer(c.Syntax) =>
                        $"{c.Operand.Type} converted to a temporary Scalar",
                    IArgumentOperation a when a.InConversion.IsUserDefined && Same(a.Parameter?.Type, scalar) =>
                        $"{a.Value.Type} converted to a temporary Scalar",
                    IInvocationOperation i when i.TargetMethod.Name == "ToScalar" && i.Parent is IArgumentOperation =>
                        "ToScalar() passed straight to a call",
                    IInvocationOperation i when HidesScalar(i.TargetMethod, scalar, tensor) =>
                        $"{i.TargetMethod.Name} with {i.TargetMethod.Parameters.Length} parameter(s) makes a Scalar inside TorchSharp",
                    IBinaryOperation b when b.OperatorMethod is { } op && Same(op.ContainingType, tensor) && OperatorHidesScalar(op, tensor) =>
                        $"Tensor operator {b.OperatorKind} makes a Scalar inside TorchSharp",
                    _ => null,
                };
                if (why is not null) found.Add($"{tree.FilePath}:{operation.Syntax.GetLocation().GetLineSpan().StartLinePosition.Line + 1}: {why}");
            }
        }
        return found.Distinct().ToList();
    }

    private static bool HidesScalar(IMethodSymbol method, INamedTypeSymbol scalar, INamedTypeSymbol tensor)
    {
        var inTorchSharp = method.ContainingAssembly?.Name == "TorchSharp";
        if (!inTorchSharp) return false;
        var scalars = method.Parameters.Count(p => Same(p.Type, scalar));
        return method.Name switch
        {
            "add" or "add_" => Same(method.ContainingType, tensor) && method.Parameters.Length == 1,
            "addcdiv" or "addcdiv_" => Same(method.ContainingType, tensor) && method.Parameters.Length == 2,
            "arange" => scalars < 3,
            _ => false,
        };
    }

    // a + b is a.add(b); the other arithmetic operators make a Scalar only from a number operand.
    private static bool OperatorHidesScalar(IMethodSymbol op, INamedTypeSymbol tensor) =>
        op.Name == "op_Addition" || (op.Name is "op_Subtraction" or "op_Multiply" or "op_Division" && op.Parameters.Any(p => !Same(p.Type, tensor)));

    private static bool InFieldInitializer(SyntaxNode node) =>
        node.FirstAncestorOrSelf<EqualsValueClauseSyntax>()?.Parent?.Parent?.Parent is FieldDeclarationSyntax;

    private static bool Same(ITypeSymbol? a, ITypeSymbol b) => SymbolEqualityComparer.Default.Equals(a, b);
}
