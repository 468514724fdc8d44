namespace MetaNlp.Tests.Functional;

/// <summary>No Scalar that LibTorch reads may be collectable during the native call (see <see cref="TemporaryScalarScan"/>).</summary>
public class TemporaryScalarTests
{
    [Fact]
    public void TheLibraryHandsLibTorchNoTemporaryScalar()
    {
        var root = TestData.RepositoryRoot() ?? throw new InvalidOperationException("MetaNlp.slnx not found above the test binaries");
        var library = Path.Combine(root, "src", "MetaNlp");
        var sources = Directory.EnumerateFiles(library, "*.cs", SearchOption.AllDirectories)
            .Where(p => Path.GetRelativePath(library, p).Split(Path.DirectorySeparatorChar)[0] is not ("obj" or "bin"))
            .Select(p => (Path.GetRelativePath(root, p), File.ReadAllText(p))).ToList();
        Assert.True(sources.Count > 50, $"only {sources.Count} sources under {library}");

        var found = TemporaryScalarScan.Find(sources);

        Assert.True(found.Count == 0, "temporary Scalars (hold them in a static field or a using variable):\n" + string.Join("\n", found));
    }

    [Fact]
    public void TheScanFindsEachKindOfTemporaryAndAcceptsHeldScalars()
    {
        const string source = """
            using TorchSharp;
            using static TorchSharp.torch;
            static class Sample
            {
                private static readonly Scalar One = 1.0.ToScalar();
                private static readonly Scalar Half = 0.5;
                static void Run(Tensor a, Tensor b, double rate)
                {
                    using var held = rate.ToScalar();
                    _ = a.add(b, One).mul(held).mul(Half).sub(b).clamp_min(One);
                    _ = arange(One, One, One, dtype: float32);
                    _ = (a - b) * b / a;
                    _ = a.add(b);
                    _ = a.add_(One);
                    _ = a.mul(0.5);
                    _ = a.mul(rate.ToScalar());
                    _ = a.addcdiv(a, b);
                    _ = arange(5, dtype: int64);
                    _ = a + b;
                    _ = a * 2.0;
                }
            }
            """;

        var found = TemporaryScalarScan.Find([("Sample.cs", source)]);

        var lines = found.Select(f => int.Parse(f.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture)).Distinct().Order().ToArray();
        Assert.Equal([13, 14, 15, 16, 17, 18, 19, 20], lines);
    }
}
