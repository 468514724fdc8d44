using MetaNlp.Encoders;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MetaNlp.Algorithms;

/// <summary>
/// The meta-parameters of a gradient-based learner: the encoder, a classification head that does not depend on
/// the order of an episode's labels, and the learner's own learned inner-loop rule if it has one. The head is one
/// weight row and one bias shared by every class (Ye and Chao's "unicorn" head, zero at the start): copied N times
/// it is an N-way head whose classes are interchangeable, so relabelling an episode cannot change what it learns.
/// </summary>
public sealed class GradientNetwork : nn.Module
{
#pragma warning disable IDE1006 // field names are the parameter names in checkpoints
    private readonly TextEncoder encoder;
    private readonly Parameter? head_weight;
    private readonly Parameter? head_bias;
    private readonly nn.Module? rule;
#pragma warning restore IDE1006

    /// <summary>Name of the shared head row in a learner's weights.</summary>
    public const string HeadWeightName = nameof(head_weight);

    /// <summary>Name of the shared head bias in a learner's weights.</summary>
    public const string HeadBiasName = nameof(head_bias);

    /// <summary>Creates the network.</summary>
    /// <param name="encoder">The encoder (its parameters keep their own names inside a learner's weights).</param>
    /// <param name="withHead">Whether to hold a meta-learned head (ProtoMAML builds its head from prototypes instead).</param>
    /// <param name="rule">A learned inner-loop rule (Meta-SGD rates, learned optimizer), or null.</param>
    public GradientNetwork(TextEncoder encoder, bool withHead, nn.Module? rule = null) : base(nameof(GradientNetwork))
    {
        this.encoder = encoder ?? throw new ArgumentNullException(nameof(encoder));
        if (withHead)
        {
            head_weight = new Parameter(zeros(encoder.OutputDim));
            head_bias = new Parameter(zeros(1));
        }
        this.rule = rule;
        RegisterComponents();
    }

    /// <summary>The encoder.</summary>
    public TextEncoder Encoder => encoder;

    /// <summary>The shared head row [dim], or null without a head.</summary>
    public Parameter? HeadWeight => head_weight;

    /// <summary>The shared head bias [1], or null without a head.</summary>
    public Parameter? HeadBias => head_bias;

    /// <summary>The learned inner-loop rule, or null.</summary>
    public nn.Module? Rule => rule;
}
