using System.Text.Json;
using System.Text.Json.Nodes;
using MetaNlp.Pretrained;

namespace MetaNlp.Encoders;

/// <summary>
/// The sizes of a BERT encoder, as a Hugging Face <c>config.json</c> gives them (<see cref="Read"/>): what
/// <see cref="MiniLmEncoder"/> builds its embeddings and <see cref="BertLayer"/>s from. <see cref="MiniLm"/> is the
/// built-in model's.
/// </summary>
/// <param name="VocabularySize">Rows of the word table (<c>vocab_size</c>).</param>
/// <param name="HiddenSize">Hidden size, the sentence vector's size (<c>hidden_size</c>).</param>
/// <param name="Layers">Transformer layers (<c>num_hidden_layers</c>).</param>
/// <param name="Heads">Attention heads per layer (<c>num_attention_heads</c>; must divide the hidden size).</param>
/// <param name="IntermediateSize">Hidden units of each feed-forward block (<c>intermediate_size</c>).</param>
/// <param name="MaxPositions">Learned positions: the longest text in tokens (<c>max_position_embeddings</c>).</param>
/// <param name="TokenTypes">Rows of the token-type table (<c>type_vocab_size</c>; every token has type 0 here).</param>
/// <param name="LayerNormEpsilon">Layer-norm epsilon (<c>layer_norm_eps</c>).</param>
public sealed record BertConfig(int VocabularySize, int HiddenSize, int Layers, int Heads, int IntermediateSize, int MaxPositions, int TokenTypes, double LayerNormEpsilon)
{
    /// <summary>all-MiniLM-L6-v2's sizes (<see cref="MiniLmWeights"/>).</summary>
    public static BertConfig MiniLm { get; } = new(MiniLmWeights.VocabularySize, MiniLmWeights.HiddenSize, MiniLmWeights.Layers, MiniLmWeights.Heads,
        MiniLmWeights.IntermediateSize, MiniLmWeights.MaxPositions, 2, MiniLmWeights.LayerNormEpsilon);

    /// <summary>Most token types read.</summary>
    public const int MaxTokenTypes = 1024;

    /// <summary>
    /// Checks every size against MetaNlp's bounds before any tensor is made: hidden size 1 to 4,096, layers and heads 1
    /// to 64 with the heads dividing the hidden size, feed-forward size 1 to 16,384, positions 1 to 8,192, vocabulary 5
    /// to 1,000,000 rows, 1 to 1,024 token types, epsilon in (0, 0.1].
    /// </summary>
    /// <exception cref="ArgumentException">A size is out of bounds; the message names it by its config.json name.</exception>
    public void Validate()
    {
        OptionBounds.Check("vocab_size", VocabularySize, 5, Text.WordTokenizerOptions.VocabularyLimit);
        OptionBounds.Check("hidden_size", HiddenSize, 1, EncoderOptions.MaxSize);
        OptionBounds.Check("num_hidden_layers", Layers, 1, EncoderOptions.MaxLayers);
        OptionBounds.Check("num_attention_heads", Heads, 1, EncoderOptions.MaxHeads);
        if (HiddenSize % Heads != 0) throw new ArgumentException($"num_attention_heads ({Heads}) must divide hidden_size ({HiddenSize}).");
        OptionBounds.Check("intermediate_size", IntermediateSize, 1, EncoderOptions.MaxFeedForwardSize);
        OptionBounds.Check("max_position_embeddings", MaxPositions, 1, EncoderOptions.PositionsLimit);
        OptionBounds.Check("type_vocab_size", TokenTypes, 1, MaxTokenTypes);
        OptionBounds.CheckAbove("layer_norm_eps", LayerNormEpsilon, 0, 0.1);
    }

    /// <summary>
    /// Reads a Hugging Face BERT <c>config.json</c>: <c>vocab_size</c>, <c>hidden_size</c>, <c>num_hidden_layers</c>,
    /// <c>num_attention_heads</c>, <c>intermediate_size</c> and <c>max_position_embeddings</c> are required;
    /// <c>type_vocab_size</c> (2) and <c>layer_norm_eps</c> (1e-12) default as in <c>transformers</c>. What this
    /// encoder does not compute is refused rather than run differently: <c>hidden_act</c> other than "gelu" (the exact
    /// erf GELU), <c>model_type</c> other than "bert", <c>position_embedding_type</c> other than "absolute".
    /// </summary>
    /// <exception cref="InvalidDataException">The file is missing a field, has one of the wrong type or out of bounds, or describes another architecture; the message names the file and the field.</exception>
    public static BertConfig Read(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"No BERT config at '{path}'.", path);
        JsonObject json;
        try
        {
            json = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new InvalidDataException($"'{path}' is not a JSON object.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{path}' is not valid JSON: {e.Message}", e);
        }
        string? Text(string field)
        {
            if (json[field] is not { } node) return null;
            return node.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : throw new InvalidDataException($"'{path}': {field} is not a string.");
        }
        void Require(string field, string expected)
        {
            if (Text(field) is string value && value != expected)
                throw new InvalidDataException($"'{path}': {field} is \"{value}\"; MetaNlp's BERT encoder computes only \"{expected}\".");
        }
        Require("model_type", "bert");
        Require("hidden_act", "gelu");
        Require("position_embedding_type", "absolute");
        int Integer(string field, int? fallback = null)
        {
            if (json[field] is not { } node)
                return fallback ?? throw new InvalidDataException($"'{path}' has no {field}.");
            if (node.GetValueKind() != JsonValueKind.Number || !node.AsValue().TryGetValue(out int value))
                throw new InvalidDataException($"'{path}': {field} is not an integer.");
            return value;
        }
        double epsilon = 1e-12;
        if (json["layer_norm_eps"] is { } eps)
        {
            if (eps.GetValueKind() != JsonValueKind.Number) throw new InvalidDataException($"'{path}': layer_norm_eps is not a number.");
            epsilon = eps.GetValue<double>();
        }
        var config = new BertConfig(Integer("vocab_size"), Integer("hidden_size"), Integer("num_hidden_layers"), Integer("num_attention_heads"),
            Integer("intermediate_size"), Integer("max_position_embeddings"), Integer("type_vocab_size", 2), epsilon);
        try
        {
            config.Validate();
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"'{path}': {OptionBounds.MessageOf(e)}", e);
        }
        return config;
    }

    /// <summary>Writes the config as a Hugging Face <c>config.json</c> that <c>transformers</c>' <c>BertModel.from_pretrained</c> reads.</summary>
    public void Write(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var json = new JsonObject
        {
            ["architectures"] = new JsonArray("BertModel"),
            ["model_type"] = "bert",
            ["vocab_size"] = VocabularySize,
            ["hidden_size"] = HiddenSize,
            ["num_hidden_layers"] = Layers,
            ["num_attention_heads"] = Heads,
            ["intermediate_size"] = IntermediateSize,
            ["max_position_embeddings"] = MaxPositions,
            ["type_vocab_size"] = TokenTypes,
            ["layer_norm_eps"] = LayerNormEpsilon,
            ["hidden_act"] = "gelu",
            ["position_embedding_type"] = "absolute",
            ["hidden_dropout_prob"] = 0.1,
            ["attention_probs_dropout_prob"] = 0.1,
            ["initializer_range"] = 0.02,
            ["pad_token_id"] = 0,
        };
        File.WriteAllText(path, json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }
}
