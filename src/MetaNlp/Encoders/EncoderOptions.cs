namespace MetaNlp.Encoders;

/// <summary>Which encoder to build and its sizes. Stored in checkpoints, so a saved model rebuilds itself.</summary>
public sealed record EncoderOptions
{
    /// <summary>Encoder kind: "cnn" (Kim 2014) or "boe" (bag of embeddings).</summary>
    public string Kind { get; init; } = "cnn";

    /// <summary>Word embedding size.</summary>
    public int EmbeddingDim { get; init; } = 300;

    /// <summary>CNN: filters per width.</summary>
    public int Filters { get; init; } = 100;

    /// <summary>CNN: filter widths in tokens.</summary>
    public IReadOnlyList<int> FilterWidths { get; init; } = [3, 4, 5];

    /// <summary>Dropout on the sentence vector while training (0 turns it off).</summary>
    public double Dropout { get; init; }

    /// <summary>
    /// While training, replace each real token by the unknown token with this probability (word dropout): the
    /// encoder cannot lean on single training-class words, which is what overfits a few training classes.
    /// </summary>
    public double WordDropout { get; init; }

    /// <summary>Keep the (random) word embeddings fixed and train only the layers above them: far fewer parameters to overfit a few training classes with.</summary>
    public bool FreezeEmbeddings { get; init; }

    /// <summary>The encoder kinds this build knows.</summary>
    public static IReadOnlyList<string> Kinds { get; } = ["cnn", "boe"];
}
