using TorchSharp;

namespace MetaNlp.Workarounds;

/// <summary>
/// Scalars that live as long as the process. TorchSharp 0.107 reads a Scalar's native handle and then calls LibTorch,
/// and nothing keeps a temporary Scalar alive during that call: an implicit number-to-Scalar conversion, or the alpha
/// that <c>add(Tensor)</c> makes inside, can be finalised while LibTorch reads it (LibTorch's "toFloat: Expected false
/// to be true", or an abort inside autograd). Temporaries also fragment the native heap in a training loop
/// (docs/TORCHSHARP.md). So the library writes <c>a.add(b, One)</c>, not <c>a.add(b)</c>; a per-call number becomes a
/// <c>using var</c> Scalar. tests/MetaNlp.Tests/Functional/TemporaryScalarTests.cs scans the library for temporaries.
/// </summary>
internal static class Scalars
{
    /// <summary>1.0: the alpha of <c>add</c> on floating-point tensors (integer tensors need an integer alpha).</summary>
    public static readonly Scalar One = 1.0.ToScalar();
}
