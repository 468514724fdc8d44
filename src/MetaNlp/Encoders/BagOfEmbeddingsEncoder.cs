using MetaNlp.Functional;
using MetaNlp.Text;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MetaNlp.Encoders;

/// <summary>Bag of embeddings: the mean of a text's word embeddings (padding excluded).</summary>
public sealed class BagOfEmbeddingsEncoder : TextEncoder
{
    /// <summary>The encoder kind (<see cref="EncoderOptions.Kind"/>).</summary>
    public const string KindName = "boe";

    /// <summary>Kind, features and factory, for <see cref="EncoderFactory"/> (a getter: reading a static field would run this class's Scalar initialisers).</summary>
    public static EncoderDescriptor Descriptor =>
        new(KindName, typeof(BagOfEmbeddingsEncoder), (options, vocabularySize, _, _) => new BagOfEmbeddingsEncoder(vocabularySize, options));

#pragma warning disable IDE1006 // field names are the parameter names in checkpoints and ParameterSets
    private readonly Parameter embedding;
#pragma warning restore IDE1006
    private readonly EncoderOptions _options;

    /// <summary>Creates the encoder with normal random embeddings.</summary>
    public BagOfEmbeddingsEncoder(int vocabularySize, EncoderOptions options) : base(nameof(BagOfEmbeddingsEncoder))
    {
        ArgumentNullException.ThrowIfNull(options);
        if (vocabularySize < 2) throw new ArgumentOutOfRangeException(nameof(vocabularySize));
        _options = options;
        embedding = new Parameter(randn(vocabularySize, options.EmbeddingDim), requires_grad: !options.FreezeEmbeddings);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override int OutputDim => _options.EmbeddingDim;

    /// <inheritdoc />
    public override EncoderOptions Options => _options;

    /// <inheritdoc />
    public override string? TokenTableName => nameof(embedding);

    /// <inheritdoc />
    public override bool ForwardsTasks => true;

    /// <inheritdoc />
    public override Tensor ForwardTasks(TokenBatch batch, int tasks, ParameterSet weights)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(weights);
        using var scope = NewDisposeScope();
        var mask = batch.Mask.unsqueeze(-1);
        var sentence = EmbedTaskWords(weights, batch, tasks).mul(mask).sum(1).div(mask.sum(1));
        if (_options.Dropout > 0) sentence = nn.functional.dropout(sentence, _options.Dropout, training);
        return sentence.view(tasks, batch.Count / tasks, OutputDim).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override Tensor Forward(TokenBatch batch, ParameterSet? weights = null)
    {
        ArgumentNullException.ThrowIfNull(batch);
        using var scope = NewDisposeScope();
        var mask = batch.Mask.unsqueeze(-1);
        var sum = EmbedWords(weights, batch).mul(mask).sum(1);
        var sentence = sum.div(mask.sum(1));
        if (_options.Dropout > 0) sentence = nn.functional.dropout(sentence, _options.Dropout, training);
        return sentence.MoveToOuterDisposeScope();
    }
}
