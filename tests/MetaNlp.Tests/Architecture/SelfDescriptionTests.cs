using MetaNlp.Algorithms;
using MetaNlp.Encoders;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace MetaNlp.Tests.Architecture;

/// <summary>
/// Issue 18, item 2: adding a learner or an encoder touches its own file, its tests and its docs only. Every learner
/// and encoder class has a registered descriptor, and no other file of the library or the CLI spells a learner's or
/// an encoder's name.
/// </summary>
public class SelfDescriptionTests
{
    private static IEnumerable<Type> Concrete<T>() =>
        typeof(LearnerRegistry).Assembly.GetTypes().Where(t => t is { IsClass: true, IsAbstract: false } && typeof(T).IsAssignableFrom(t));

    // The classes of `classes` that no descriptor builds.
    private static Type[] Undescribed(IEnumerable<Type> classes, IEnumerable<Type> described) => [.. classes.Except(described).OrderBy(t => t.Name)];

    [Fact]
    public void EveryLearnerClassHasARegisteredDescriptor()
    {
        // A decorator (one that wraps another learner, as LabelTextLearner does) is no algorithm of its own.
        static bool Wraps(Type t) => t.GetConstructors().Any(c => c.GetParameters().Any(p => p.ParameterType == typeof(IFewShotLearner)));
        var learners = Concrete<IFewShotLearner>().Where(t => !Wraps(t)).ToList();
        Assert.Contains(typeof(PrototypicalNetwork), learners);
        Assert.Contains(typeof(LabelTextLearner), Concrete<IFewShotLearner>().Where(Wraps));
        Assert.Empty(Undescribed(learners, LearnerRegistry.Descriptors.Select(d => d.LearnerType)));
        // The check finds a learner whose descriptor is left out of the registry.
        Assert.Equal([typeof(Reptile)], Undescribed(learners, LearnerRegistry.Descriptors.Where(d => d.LearnerType != typeof(Reptile)).Select(d => d.LearnerType)));
    }

    [Fact]
    public void EveryEncoderClassHasARegisteredDescriptor()
    {
        var encoders = Concrete<TextEncoder>().ToList();
        Assert.Contains(typeof(CnnEncoder), encoders);
        Assert.Empty(Undescribed(encoders, EncoderFactory.Descriptors.Select(d => d.EncoderType)));
        Assert.Equal(EncoderFactory.Descriptors.Count, EncoderOptions.AllKinds.Distinct().Count());
        Assert.Equal([typeof(BiLstmEncoder)], Undescribed(encoders, EncoderFactory.Descriptors.Where(d => d.EncoderType != typeof(BiLstmEncoder)).Select(d => d.EncoderType)));
    }

    // Literals that spell a registered name for another concept: the Hugging Face config's model_type value.
    private static readonly HashSet<(string File, string Literal)> OtherMeanings = [("BertConfig.cs", BertFolder.KindName)];

    /// <summary>
    /// The string literals of <paramref name="source"/> that spell one of <paramref name="names"/>, other than the
    /// value of a constant (the one place a learner or an encoder declares its name).
    /// </summary>
    internal static IEnumerable<(int Line, string Literal)> NameLiterals(string source, IReadOnlySet<string> names) =>
        CSharpSyntaxTree.ParseText(source).GetRoot().DescendantNodes().OfType<LiteralExpressionSyntax>()
            .Where(l => l.IsKind(SyntaxKind.StringLiteralExpression) && names.Contains(l.Token.ValueText))
            .Where(l => l.FirstAncestorOrSelf<FieldDeclarationSyntax>() is not { } field || !field.Modifiers.Any(SyntaxKind.ConstKeyword))
            .Select(l => (l.GetLocation().GetLineSpan().StartLinePosition.Line + 1, l.Token.ValueText));

    [Fact]
    public void NoFileOutsideALearnersOrEncodersOwnSpellsItsName()
    {
        string root = TestData.RepositoryRoot() ?? throw new InvalidOperationException("MetaNlp.slnx not found above the test binaries");
        var names = LearnerRegistry.Names.Concat(EncoderOptions.AllKinds).ToHashSet(StringComparer.Ordinal);
        var found = new[] { "MetaNlp", "MetaNlp.Cli" }
            .SelectMany(project => Directory.EnumerateFiles(Path.Combine(root, "src", project), "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal) && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => NameLiterals(File.ReadAllText(f), names).Where(l => !OtherMeanings.Contains((Path.GetFileName(f), l.Literal))).Select(l => $"{Path.GetRelativePath(root, f)}:{l.Line} \"{l.Literal}\""))
            .ToList();
        Assert.True(found.Count == 0, "Use the learner's or encoder's name constant instead of: " + string.Join("; ", found));
    }

    [Fact]
    public void TheNameScanFindsALiteralOutsideAConstant()
    {
        var names = new HashSet<string>(["cnn", "protonet"], StringComparer.Ordinal);
        const string source = """
            class A
            {
                public const string Name = "protonet";
                /// <summary>"cnn" in a comment is prose.</summary>
                string Kind = "cnn";
            }
            """;
        Assert.Equal([(5, "cnn")], NameLiterals(source, names));
    }
}
