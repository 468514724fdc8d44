namespace MetaNlp.Explain;

/// <summary>
/// Gauss-Legendre quadrature on [0, 1]: m nodes and weights that integrate every polynomial of degree up to 2m - 1
/// exactly (Captum's default rule for integrated gradients). The nodes are the roots of the Legendre polynomial
/// P_m, found by Newton's method from Tricomi's estimates, then mapped from [-1, 1] to [0, 1].
/// </summary>
public static class GaussLegendre
{
    /// <summary>The <paramref name="m"/> nodes in (0, 1), ascending, and their weights, which sum to 1.</summary>
    public static (double[] Nodes, double[] Weights) OnUnitInterval(int m)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(m, 1);
        var nodes = new double[m];
        var weights = new double[m];
        for (int i = 0; i < (m + 1) / 2; i++)
        {
            double x = Math.Cos(Math.PI * (i + 0.75) / (m + 0.5)); // the i-th largest root, roughly
            double derivative = 0;
            for (int iteration = 0; iteration < 100; iteration++)
            {
                // P_m(x) and P_m'(x) by the three-term recurrence.
                double p0 = 1, p1 = x;
                for (int k = 2; k <= m; k++)
                {
                    double p2 = ((2 * k - 1) * x * p1 - (k - 1) * p0) / k;
                    p0 = p1;
                    p1 = p2;
                }
                // p1 = P_m(x), p0 = P_{m-1}(x)
                derivative = m * (x * p1 - p0) / (x * x - 1);
                double step = p1 / derivative;
                x -= step;
                if (Math.Abs(step) < 1e-15) break;
            }
            double w = 2 / ((1 - x * x) * derivative * derivative);
            // Symmetric pair on [-1, 1] mapped to [0, 1]: t = (1 + x) / 2, weight halved.
            nodes[m - 1 - i] = (1 + x) / 2;
            nodes[i] = (1 - x) / 2;
            weights[m - 1 - i] = w / 2;
            weights[i] = w / 2;
        }
        return (nodes, weights);
    }
}
