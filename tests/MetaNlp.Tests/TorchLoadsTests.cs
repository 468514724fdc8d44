using TorchSharp;

namespace MetaNlp.Tests;

public class TorchLoadsTests
{
    [Fact]
    public void LibTorchLoadsAndComputesSecondDerivatives()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor(new double[] { 1, 2, 3 }, requires_grad: true);
        var y = (x * x * x).sum();
        var g = torch.autograd.grad([y], [x], retain_graph: true, create_graph: true)[0];
        var h = torch.autograd.grad([g.sum()], [x])[0];
        Assert.Equal(new double[] { 6, 12, 18 }, h.data<double>().ToArray());
    }
}
