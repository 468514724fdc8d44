using System.Text.Json;
using MetaNlp.Algorithms;
using MetaNlp.Data;
using MetaNlp.Encoders;
using MetaNlp.Text;

namespace MetaNlp.Models;

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

    /// <summary>
    /// Label-semantic support (<see cref="Data.LabelTexts"/>): each support set gains one example per class whose text
    /// is the label's, in training and in every adaptation; null for none.
    /// </summary>
    public LabelTexts? LabelTexts { get; init; }

    /// <summary>How the model was trained, where it was.</summary>
    public TrainingInfo? Training { get; init; }

    /// <summary>
    /// Checks every field against its bounds before any tensor is made: the algorithm and its options
    /// (<see cref="LearnerDescriptor.ReadOptions"/>), <see cref="EncoderOptions.Validate"/>,
    /// <see cref="WordTokenizerOptions.Validate"/>, at most <see cref="WordTokenizerOptions.VocabularyLimit"/>
    /// vocabulary tokens, and <see cref="TrainingInfo.Validate"/>. A checkpoint's header goes through this when it is
    /// read, so a damaged or hand-edited header is an error instead of a native crash.
    /// </summary>
    /// <exception cref="ArgumentException">A field is missing, unknown or out of bounds; the message names it.</exception>
    public void Validate() => ValidatedLearnerOptions();

    /// <summary>
    /// <see cref="Validate"/>, returning the learner's options as its own record, so the model factory builds the
    /// learner from the values just checked instead of reading them again.
    /// </summary>
    internal object ValidatedLearnerOptions()
    {
        if (Algorithm is null) throw new ArgumentException("The spec names no algorithm.", nameof(Algorithm));
        if (Encoder is null) throw new ArgumentException("The spec has no encoder options.", nameof(Encoder));
        if (TokenizerOptions is null) throw new ArgumentException("The spec has no tokenizer options.", nameof(TokenizerOptions));
        if (Vocabulary is null) throw new ArgumentException("The spec has no vocabulary.", nameof(Vocabulary));
        var learnerOptions = LearnerRegistry.Find(Algorithm).ReadOptions(AlgorithmOptions);
        Encoder.Validate();
        TokenizerOptions.Validate();
        OptionBounds.Check("Vocabulary size", Vocabulary.Count, 0, WordTokenizerOptions.VocabularyLimit);
        if (Vocabulary.Any(t => t is null)) throw new ArgumentException("The vocabulary holds a null token.", nameof(Vocabulary));
        LabelTexts?.Validate();
        Training?.Validate();
        return learnerOptions;
    }
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

    /// <summary>
    /// Which of the benchmark's fixed splits the support set came from (FewCLUE's train_k is --split-index k + 1), where
    /// the model was fine-tuned on one; evaluation uses the same one unless told otherwise, so that a model is never
    /// scored with another split's support set by default.
    /// </summary>
    public int? SplitIndex { get; init; }

    /// <summary>Episode shape used in training.</summary>
    public EpisodeSamplerOptions? Episodes { get; init; }

    /// <summary>Trainer options.</summary>
    public MetaTrainerOptions? Trainer { get; init; }

    /// <summary>The supervised contrastive stage run before meta-training, or null if there was none.</summary>
    public ContrastiveOptions? Contrastive { get; init; }

    /// <summary>The trained model whose encoder weights this run started from (<see cref="Training.EncoderWarmStart"/>), or null for the pretrained or random start.</summary>
    public InitialModelInfo? InitialModel { get; init; }

    /// <summary>Episodes trained when these weights were saved.</summary>
    public long EpisodesTrained { get; init; }

    /// <summary>Validation accuracy of these weights, if validated.</summary>
    public double? ValidationAccuracy { get; init; }

    /// <summary>When the checkpoint was written (UTC).</summary>
    public DateTimeOffset SavedAt { get; init; }

    /// <summary>Checks the recorded options (<see cref="EpisodeSamplerOptions.Validate"/>, <see cref="MetaTrainerOptions.Validate"/>, <see cref="ContrastiveOptions.Validate"/>) and counts.</summary>
    /// <exception cref="ArgumentException">A value is out of bounds; the message names it.</exception>
    public void Validate()
    {
        if (SupportShots is int shots) OptionBounds.Check(nameof(SupportShots), shots, 1, EpisodeSamplerOptions.MaxPerClass);
        if (SplitIndex is int index) OptionBounds.Check(nameof(SplitIndex), index, 1, 1000);
        Episodes?.Validate();
        Trainer?.Validate();
        Contrastive?.Validate();
        InitialModel?.Validate();
        OptionBounds.Check(nameof(EpisodesTrained), EpisodesTrained, 0, long.MaxValue);
        if (ValidationAccuracy is double accuracy) OptionBounds.Check(nameof(ValidationAccuracy), accuracy, 0, 1);
    }
}

/// <summary>Which trained model a run's encoder started from: its file name, content hash and what it was trained on.</summary>
public sealed record InitialModelInfo
{
    /// <summary>The checkpoint's file name (no folder, so the record does not depend on where it was kept).</summary>
    public required string File { get; init; }

    /// <summary>SHA-256 of the whole checkpoint file, lower-case hex: tells two initial models apart whatever their names.</summary>
    public required string Sha256 { get; init; }

    /// <summary>The dataset the initial model was trained on, where it recorded one.</summary>
    public string? Dataset { get; init; }

    /// <summary>Checks that the fields are present and the hash is 64 hex digits.</summary>
    /// <exception cref="ArgumentException">A field is missing or malformed; the message names it.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(File) || File.Length > 1024) throw new ArgumentException("The initial model's file name is missing or longer than 1,024 characters.", nameof(File));
        if (Sha256 is not { Length: 64 } || !Sha256.All(char.IsAsciiHexDigit))
            throw new ArgumentException("The initial model's SHA-256 must be 64 hex digits.", nameof(Sha256));
    }

    /// <summary>The record of the checkpoint at <paramref name="path"/>: hashes the whole file and reads the dataset from its header.</summary>
    /// <exception cref="InvalidDataException">The file is not a MetaNlp checkpoint; the message names it.</exception>
    public static InitialModelInfo Of(string path)
    {
        var header = Checkpoint.ReadHeader(path);
        using var stream = System.IO.File.OpenRead(path);
        return new InitialModelInfo
        {
            File = System.IO.Path.GetFileName(path),
            Sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(stream)),
            Dataset = header.Spec.Training?.Dataset,
        };
    }
}
