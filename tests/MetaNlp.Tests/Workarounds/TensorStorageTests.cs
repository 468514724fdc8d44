using MetaNlp.Workarounds;
using static TorchSharp.torch;

namespace MetaNlp.Tests.Workarounds;

public class TensorStorageTests
{
    [Fact]
    public void SameViewIsIdentityOfMemoryNotEqualityOfValues()
    {
        using var scope = NewDisposeScope();
        var weight = arange(12f).reshape(3, 4);
        Assert.True(TensorStorage.SameView(weight, weight));
        Assert.True(TensorStorage.SameView(weight, weight.detach()));
        Assert.False(TensorStorage.SameView(weight, weight.clone()));          // equal values, other memory
        Assert.False(TensorStorage.SameView(weight, weight.t().t().contiguous().clone()));
        Assert.False(TensorStorage.SameView(weight[1..], weight[..2]));       // one storage, other offsets
        Assert.False(TensorStorage.SameView(weight.t(), weight.reshape(4, 3))); // one storage, other strides
        Assert.False(TensorStorage.SameView(weight.flatten(), weight));        // one storage, other shape
    }
}
