using TorchSharp;
using static TorchSharp.torch;

namespace MetaNlp.Reports;

/// <summary>
/// Principal component analysis for plots: points projected onto their leading principal axes, computed with
/// LibTorch's SVD of the centred points (torch.linalg.svd), the same decomposition scikit-learn's PCA uses. An
/// axis's sign is arbitrary in an SVD; it is fixed here so that each axis's largest loading (by magnitude, the first
/// on a tie) is positive, which makes a plot the same from run to run and machine to machine.
/// </summary>
public static class PrincipalComponents
{
    // Process-lifetime Scalar for add's alpha: a temporary one could be freed while LibTorch reads it (docs/TORCHSHARP.md).
    private static readonly Scalar One = 1.0.ToScalar();

    /// <summary>
    /// The coordinates of each row of <paramref name="points"/> [n, d] on the first <paramref name="dimensions"/>
    /// principal axes, as n arrays of that length. Axes beyond the data's rank (fewer points or features than
    /// dimensions) are zero.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="points"/> is not a non-empty matrix of finite numbers.</exception>
    public static double[][] Project(Tensor points, int dimensions = 2)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimensions, 1);
        if (points.dim() != 2 || points.shape[0] == 0 || points.shape[1] == 0)
            throw new ArgumentException($"Expected a non-empty matrix [points, features]; got shape [{string.Join(", ", points.shape)}].", nameof(points));
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var x = points.detach().to(ScalarType.Float64).cpu();
        if (!x.isfinite().all().item<bool>()) throw new ArgumentException("The points hold a NaN or an infinity.", nameof(points));
        var centred = x.add(x.mean([0], keepdim: true).neg(), One);
        var (_, _, vh) = linalg.svd(centred, fullMatrices: false);
        int n = (int)x.shape[0], k = (int)Math.Min(dimensions, vh.shape[0]);
        var coordinates = centred.matmul(vh[..k].t()).contiguous().data<double>().ToArray();
        var loadings = vh[..k].contiguous().data<double>().ToArray();
        int features = (int)vh.shape[1];
        var result = new double[n][];
        for (int i = 0; i < n; i++) result[i] = new double[dimensions];
        for (int c = 0; c < k; c++)
        {
            int largest = 0;
            for (int f = 1; f < features; f++)
                if (Math.Abs(loadings[c * features + f]) > Math.Abs(loadings[c * features + largest])) largest = f;
            double sign = loadings[c * features + largest] < 0 ? -1 : 1;
            for (int i = 0; i < n; i++) result[i][c] = sign * coordinates[i * k + c];
        }
        return result;
    }
}
