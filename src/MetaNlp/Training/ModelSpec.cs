using System.Text.Json;
using MetaNlp.Data;
using MetaNlp.Encoders;
using MetaNlp.Text;

namespace MetaNlp.Training;

/// <summary>
/// Everything needed to rebuild a trained model except its weights: algorithm and its options, encoder options,
/// tokenizer with its vocabulary, and how it was trained. It is the JSON header of a checkpoint.
/// </summary>
public sealed record ModelSpec
{
    /// <summary>Algorithm registry name ("protonet", "knn").</summary>
    public required string Algorithm { get; init; }

    /// <summary>The algorithm's options as JSON (its own options record), or null for defaults.</summary>
    public JsonElement? AlgorithmOptions { get; init; }

    /// <summary>Encoder kind and sizes.</summary>
    public required EncoderOptions Encoder { get; init; }

    /// <summary>Word tokenizer options; a pretrained encoder's tokenizer uses only <see cref="WordTokenizerOptions.MaxLength"/> (its ids, [CLS] and [SEP] included).</summary>
    public required WordTokenizerOptions TokenizerOptions { get; init; }

    /// <summary>Tokens in id order (built from the meta-training classes only); empty for a pretrained encoder, which brings its own.</summary>
    public required IReadOnlyList<string> Vocabulary { get; init; }

    /// <summary>How the model was trained, where it was.</summary>
    public TrainingInfo? Training { get; init; }
}

/// <summary>Provenance of a trained model, shown by eval and stored in its checkpoint.</summary>
public sealed record TrainingInfo
{
    /// <summary>Dataset name.</summary>
    public string? Dataset { get; init; }

    /// <summary>Class split it was trained and validated on.</summary>
    public ClassSplit? Split { get; init; }

    /// <summary>K of the fixed support set the model was fine-tuned on (DNNC: 5 or 10), where it was; evaluation uses the same one unless told otherwise.</summary>
    public int? SupportShots { get; init; }

    /// <summary>Episode shape used in training.</summary>
    public EpisodeSamplerOptions? Episodes { get; init; }

    /// <summary>Trainer options.</summary>
    public MetaTrainerOptions? Trainer { get; init; }

    /// <summary>The supervised contrastive stage run before meta-training, or null if there was none.</summary>
    public ContrastiveOptions? Contrastive { get; init; }

    /// <summary>Episodes trained when these weights were saved.</summary>
    public long EpisodesTrained { get; init; }

    /// <summary>Validation accuracy of these weights, if validated.</summary>
    public double? ValidationAccuracy { get; init; }

    /// <summary>When the checkpoint was written (UTC).</summary>
    public DateTimeOffset SavedAt { get; init; }
}
