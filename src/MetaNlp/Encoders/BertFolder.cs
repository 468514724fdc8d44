using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using MetaNlp.Interop;
using MetaNlp.Pretrained;
using MetaNlp.Text;

namespace MetaNlp.Encoders;

/// <summary>
/// A BERT-family sentence encoder read from a local folder in Hugging Face's layout: <c>config.json</c> (the sizes,
/// <see cref="BertConfig.Read"/>), <c>vocab.txt</c> (the uncased WordPiece vocabulary, [PAD] at id 0) and
/// <c>model.safetensors</c> (the weights under BertModel's names, "embeddings.word_embeddings.weight",
/// "encoder.layer.0.attention.self.query.weight", ...; a "bert." prefix, as in BertForMaskedLM files, is accepted; the
/// pooler and heads are ignored). It is the encoder kind "bert" (<see cref="EncoderOptions.Path"/> names the folder) and
/// runs the same code as the built-in MiniLM (<see cref="MiniLmEncoder"/>, <see cref="BertLayer"/>): mean pooling over
/// the text, scaled to unit length, as a sentence-transformers model with mean pooling. A spec records the folder's
/// full path and the SHA-256 of its weights and vocabulary files (<see cref="EncoderOptions.WeightsSha256"/>,
/// <see cref="EncoderOptions.VocabularySha256"/>, filled by <see cref="Pin"/>), so a checkpoint of such a model
/// rebuilds from the same weights and ids or is refused.
/// </summary>
public static class BertFolder
{
    /// <summary>Encoder kind name (<c>EncoderOptions.Kind</c>).</summary>
    public const string KindName = "bert";

    /// <summary>Kind, features and factory, for <see cref="EncoderFactory"/>: MiniLM's code over the folder's weights; not a built-in kind (it needs <see cref="EncoderOptions.Path"/>).</summary>
    public static EncoderDescriptor Descriptor =>
        new(KindName, typeof(MiniLmEncoder), (options, vocabularySize, _, spans) => CreateEncoder(options, vocabularySize, spans)) { Pretrained = true, BuiltIn = false, EntityPooling = true };

    /// <summary>The sizes file.</summary>
    public const string ConfigFile = "config.json";

    /// <summary>The WordPiece vocabulary file.</summary>
    public const string VocabularyFile = "vocab.txt";

    /// <summary>The weights file.</summary>
    public const string WeightsFile = "model.safetensors";

    /// <summary>The tokenizer settings file, optional; a cased model (<c>"do_lower_case": false</c>) is refused.</summary>
    public const string TokenizerConfigFile = "tokenizer_config.json";

    /// <summary>Lower-case hex SHA-256 of a folder's <see cref="WeightsFile"/>.</summary>
    /// <exception cref="FileNotFoundException">The folder has no weights file.</exception>
    public static string WeightsSha256(string folder) => Sha256(FilePath(folder, WeightsFile));

    /// <summary>Lower-case hex SHA-256 of a folder's <see cref="VocabularyFile"/>.</summary>
    /// <exception cref="FileNotFoundException">The folder has no vocabulary file.</exception>
    public static string VocabularySha256(string folder) => Sha256(FilePath(folder, VocabularyFile));

    private static string Sha256(string file)
    {
        using var stream = File.OpenRead(file);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>
    /// Options of kind "bert" with <see cref="EncoderOptions.Path"/> made absolute and <see cref="EncoderOptions.WeightsSha256"/>
    /// and <see cref="EncoderOptions.VocabularySha256"/> filled from the folder when they are not yet set (other kinds
    /// are returned as they are). Specs made by
    /// <c>FewShotModel.NewSpec</c> and models made by <c>FewShotModel.Create</c> are pinned this way.
    /// </summary>
    public static EncoderOptions Pin(EncoderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Kind != KindName || options.WeightsSha256 is not null) return options;
        string folder = Folder(options);
        return options with { Path = folder, WeightsSha256 = WeightsSha256(folder), VocabularySha256 = options.VocabularySha256 ?? VocabularySha256(folder) };
    }

    /// <summary>The uncased WordPiece tokenizer over the folder's <c>vocab.txt</c>.</summary>
    /// <param name="options">Options of kind "bert".</param>
    /// <param name="maxLength">Longest id sequence, [CLS] and [SEP] included (at most the model's positions).</param>
    /// <exception cref="InvalidDataException">A file is missing or malformed, the model is cased, or vocab.txt changed since the spec was pinned; the message names the file.</exception>
    public static BertWordPieceTokenizer Tokenizer(EncoderOptions options, int maxLength)
    {
        string folder = Folder(options);
        var config = BertConfig.Read(FilePath(folder, ConfigFile));
        if (maxLength > config.MaxPositions)
            throw new ArgumentOutOfRangeException(nameof(maxLength), $"The BERT model in '{folder}' reads at most {config.MaxPositions} tokens; the tokenizer's MaxLength is {maxLength}.");
        RequireUncased(folder);
        string vocabulary = FilePath(folder, VocabularyFile);
        byte[] bytes = File.ReadAllBytes(vocabulary);
        if (options.VocabularySha256 is string expected && Convert.ToHexStringLower(SHA256.HashData(bytes)) is var actual && actual != expected)
            throw new InvalidDataException($"The BERT vocabulary '{vocabulary}' changed since this model was made: its SHA-256 is {actual}, the model's spec records {expected}. Restore that file, or build a new model from the folder.");
        using var stream = new MemoryStream(bytes, writable: false);
        try
        {
            return BertWordPieceTokenizer.FromVocabulary(stream, maxLength);
        }
        catch (Exception e) when (e is InvalidDataException or ArgumentException or InvalidOperationException)
        {
            throw new InvalidDataException($"'{vocabulary}' is not a usable BERT vocabulary: {e.Message}", e);
        }
    }

    /// <summary>
    /// The encoder of options of kind "bert": reads the folder's config and weights, after checking the weights file
    /// against <see cref="EncoderOptions.WeightsSha256"/> when the options record one.
    /// </summary>
    /// <param name="options">Options of kind "bert".</param>
    /// <param name="vocabularySize">Ids the tokenizer gives (lines of vocab.txt): at most the model's vocab_size.</param>
    /// <param name="entitySpans">Where the entities are, for <see cref="EncoderOptions.EntityPooling"/>.</param>
    /// <exception cref="InvalidDataException">A file is missing, malformed, lacks a tensor or changed since the spec was pinned; the message names it.</exception>
    public static MiniLmEncoder CreateEncoder(EncoderOptions options, int vocabularySize, EntitySpans? entitySpans = null)
    {
        string folder = Folder(options);
        var config = BertConfig.Read(FilePath(folder, ConfigFile));
        if (vocabularySize > config.VocabularySize)
            throw new ArgumentException($"The tokenizer gives {vocabularySize} ids; the BERT model in '{folder}' has {config.VocabularySize} rows in its word table.");
        string weightsFile = FilePath(folder, WeightsFile);
        if (options.WeightsSha256 is string expected && WeightsSha256(folder) is var actual && actual != expected)
            throw new InvalidDataException($"The BERT weights '{weightsFile}' changed since this model was made: their SHA-256 is {actual}, the model's spec records {expected}. Restore that file, or build a new model from the folder.");
        using var file = SafetensorsFile.Open(weightsFile);
        string prefix = file.Contains("embeddings.word_embeddings.weight") || !file.Contains("bert.embeddings.word_embeddings.weight") ? "" : "bert.";
        return new MiniLmEncoder(config, (name, shape) => file.ReadFloats(prefix + name, shape), options, entitySpans);
    }

    /// <summary>
    /// Writes a BERT encoder (the built-in MiniLM, a fine-tuned one, or one read from a folder) as a folder that this
    /// class and <c>transformers</c>' <c>BertModel.from_pretrained</c> read: config.json, vocab.txt,
    /// tokenizer_config.json and model.safetensors with the encoder's current weights under BertModel's names.
    /// </summary>
    /// <param name="encoder">The encoder.</param>
    /// <param name="folder">The folder to write (created; its files of those names are replaced); not the folder a "bert" encoder was read from.</param>
    public static void Export(MiniLmEncoder encoder, string folder)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        if (encoder.Options.Kind == KindName && Path.GetFullPath(folder).TrimEnd(Path.DirectorySeparatorChar) == Folder(encoder.Options).TrimEnd(Path.DirectorySeparatorChar))
            throw new ArgumentException($"'{folder}' is the folder the encoder was read from; export to another one.", nameof(folder));
        Directory.CreateDirectory(folder);
        encoder.Config.Write(Path.Combine(folder, ConfigFile));
        using (var vocabulary = encoder.Options.Kind == KindName ? File.OpenRead(FilePath(Folder(encoder.Options), VocabularyFile)) : MiniLmWeights.OpenVocabulary())
        using (var target = File.Create(Path.Combine(folder, VocabularyFile)))
        {
            vocabulary.CopyTo(target);
        }
        var tokenizer = new JsonObject { ["do_lower_case"] = true, ["tokenizer_class"] = "BertTokenizer", ["model_max_length"] = encoder.Config.MaxPositions };
        File.WriteAllText(Path.Combine(folder, TokenizerConfigFile), tokenizer.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        Safetensors.Write(Path.Combine(folder, WeightsFile),
            encoder.named_parameters().Select(p => new KeyValuePair<string, TorchSharp.torch.Tensor>(MiniLmEncoder.HuggingFaceName(p.name), p.parameter)));
    }

    private static void RequireUncased(string folder)
    {
        string file = Path.Combine(folder, TokenizerConfigFile);
        if (!File.Exists(file)) return;
        JsonNode? json;
        try
        {
            json = JsonNode.Parse(File.ReadAllText(file));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{file}' is not valid JSON: {e.Message}", e);
        }
        if (json is JsonObject settings && settings["do_lower_case"] is { } lower && lower.GetValueKind() == JsonValueKind.False)
            throw new InvalidDataException($"'{file}' says the model is cased (do_lower_case false); MetaNlp's WordPiece tokenizer lowercases and strips accents, as uncased BERT does.");
    }

    private static string Folder(EncoderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Kind != KindName) throw new ArgumentException($"Options for a '{options.Kind}' encoder, not '{KindName}'.", nameof(options));
        if (string.IsNullOrWhiteSpace(options.Path)) throw new ArgumentException($"The '{KindName}' encoder needs the folder of its model (EncoderOptions.Path).", nameof(options));
        string folder = Path.GetFullPath(options.Path);
        return Directory.Exists(folder) ? folder : throw new DirectoryNotFoundException($"No BERT model folder at '{folder}'.");
    }

    private static string FilePath(string folder, string name)
    {
        string file = Path.Combine(folder, name);
        return File.Exists(file) ? file : throw new FileNotFoundException($"No {name} at '{file}': a BERT model folder holds {ConfigFile}, {VocabularyFile} and {WeightsFile}.", file);
    }
}
