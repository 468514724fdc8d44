using MetaNlp.Encoders;
using static TorchSharp.torch;

namespace MetaNlp.Algorithms;

/// <summary>The meta-parameters of a metric learner with a learned comparison: the encoder and the comparison module.</summary>
public sealed class MetricNetwork : nn.Module
{
#pragma warning disable IDE1006 // field names are the parameter names in checkpoints
    private readonly TextEncoder encoder;
    private readonly nn.Module comparer;
#pragma warning restore IDE1006

    /// <summary>Creates the network.</summary>
    public MetricNetwork(TextEncoder encoder, nn.Module comparer) : base(nameof(MetricNetwork))
    {
        this.encoder = encoder ?? throw new ArgumentNullException(nameof(encoder));
        this.comparer = comparer ?? throw new ArgumentNullException(nameof(comparer));
        RegisterComponents();
    }

    /// <summary>The encoder.</summary>
    public TextEncoder Encoder => encoder;

    /// <summary>The comparison module.</summary>
    public nn.Module Comparer => comparer;
}
