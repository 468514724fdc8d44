using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using MetaNlp.Functional;
using MetaNlp.Interop;
using TorchSharp;
using static TorchSharp.torch;

namespace MetaNlp.Generation;

/// <summary>
/// A generation model as one unit: its subword vocabulary, its <see cref="Seq2SeqTransformer"/> description and
/// weights, the task family it was trained for, and (for a model saved during meta-training) the run state that
/// <see cref="GenerationRun"/> resumes from. <see cref="Save"/> writes all of it to one safetensors file, atomically
/// (the weights as tensors, the rest as JSON in the header's metadata), so the file that <c>metanlp generate</c>
/// reads is also the resumable state of the run that made it.
/// </summary>
public sealed class GenerationModel
{
    /// <summary>The metadata key of the vocabulary, model options and family.</summary>
    public const string ModelKey = "metanlp.generation";

    /// <summary>The metadata key of the run state (absent in a model that no run made).</summary>
    public const string RunKey = "metanlp.generation.run";

    /// <summary>Source ids kept by <see cref="EncodeSource"/>: a longer source is cut, which bounds the encoder's cost (summarization threads run to thousands of subwords).</summary>
    public const int MaxSourceLength = 256;

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) } };

    /// <summary>Puts a vocabulary, a model description and its weights together.</summary>
    /// <param name="vocabulary">The subword vocabulary.</param>
    /// <param name="transformer">The network.</param>
    /// <param name="weights">Its weights.</param>
    /// <param name="family">The task family.</param>
    /// <param name="delexicalized">Whether the model reads and writes slot values as placeholders (<see cref="NlgDelexicalizer"/>; NLG only).</param>
    /// <exception cref="ArgumentException">The model's vocabulary size is not the vocabulary's, or a non-NLG model is said to be delexicalised.</exception>
    public GenerationModel(BpeVocabulary vocabulary, Seq2SeqTransformer transformer, ParameterSet weights, GenerationTaskFamily family, bool delexicalized = false)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        ArgumentNullException.ThrowIfNull(transformer);
        ArgumentNullException.ThrowIfNull(weights);
        if (transformer.Options.VocabularySize != vocabulary.Count)
            throw new ArgumentException($"the model has {transformer.Options.VocabularySize} token ids, the vocabulary {vocabulary.Count}.", nameof(transformer));
        Vocabulary = vocabulary;
        Transformer = transformer;
        Weights = weights;
        Family = family;
        if (delexicalized && family != GenerationTaskFamily.Nlg)
            throw new ArgumentException($"only dialogue-act-to-text (NLG) models can be delexicalised, not {family}.", nameof(delexicalized));
        Delexicalized = delexicalized;
    }

    /// <summary>The subword vocabulary (learned from the meta-training tasks only).</summary>
    public BpeVocabulary Vocabulary { get; }

    /// <summary>The network that runs the weights: its options and its explicit-weight forward pass (it holds no weights of its own).</summary>
    public Seq2SeqTransformer Transformer { get; }

    /// <summary>The (meta-)trained weights: the start of every adaptation, never changed by it.</summary>
    public ParameterSet Weights { get; }

    /// <summary>What kind of task the model was trained on (it picks the metrics of <see cref="GenerationEvaluator"/>).</summary>
    public GenerationTaskFamily Family { get; }

    /// <summary>
    /// Whether the model reads dialogue acts and writes utterances with their literal slot values as numbered
    /// placeholders (<see cref="NlgDelexicalizer"/>): <see cref="Encode"/> delexicalises training pairs,
    /// <see cref="EncodeSource"/> sources, and <see cref="Relexicalize"/> puts the values back into generated text.
    /// </summary>
    public bool Delexicalized { get; }

    /// <summary>A fresh model: weights from <see cref="Seq2SeqTransformer.InitialWeights"/> with <paramref name="seed"/>.</summary>
    /// <exception cref="ArgumentException">A non-NLG model is to be delexicalised.</exception>
    public static GenerationModel Create(BpeVocabulary vocabulary, Seq2SeqOptions options, GenerationTaskFamily family, long seed, bool delexicalize = false)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        ArgumentNullException.ThrowIfNull(options);
        var transformer = new Seq2SeqTransformer(options with { VocabularySize = vocabulary.Count });
        return new GenerationModel(vocabulary, transformer, transformer.InitialWeights(seed), family, delexicalize);
    }

    /// <summary>
    /// The source text as the model reads it: for <see cref="GenerationTaskFamily.Nlg"/> the dialogue act in
    /// <see cref="DialogueAct.Canonical(string)"/> form (RNNLG, FewShotWOZ and FewShotSGD write acts differently), otherwise
    /// unchanged. Learn a vocabulary from sources prepared this way.
    /// </summary>
    public static string PrepareSource(GenerationTaskFamily family, string source) =>
        family == GenerationTaskFamily.Nlg ? DialogueAct.Canonical(source) : source;

    /// <summary>
    /// A pair as a model of <paramref name="family"/> reads it in training (<see cref="PrepareSource"/>, and with
    /// <paramref name="delexicalize"/> the values of source and target as placeholders): learn a vocabulary from pairs
    /// prepared this way.
    /// </summary>
    public static GenerationPair PreparePair(GenerationTaskFamily family, bool delexicalize, GenerationPair pair)
    {
        ArgumentNullException.ThrowIfNull(pair);
        if (!delexicalize) return pair with { Source = PrepareSource(family, pair.Source) };
        var (source, values) = NlgDelexicalizer.Source(pair.Source);
        return new GenerationPair(source, NlgDelexicalizer.Target(pair.Target, values));
    }

    /// <summary>The source's ids (<see cref="PreparePair"/>), cut to <see cref="MaxSourceLength"/>; a source with no ids (blank) becomes one unknown id, so it still has an encoder state.</summary>
    public int[] EncodeSource(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return EncodePreparedSource(Delexicalized ? NlgDelexicalizer.Source(source).Text : PrepareSource(Family, source));
    }

    private int[] EncodePreparedSource(string text)
    {
        var ids = Vocabulary.Encode(text);
        return ids.Length == 0 ? [BpeVocabulary.UnknownId] : ids.Length > MaxSourceLength ? ids[..MaxSourceLength] : ids;
    }

    /// <summary>The pairs as ids (<see cref="PreparePair"/>; targets are cut by the trainer's maximum length).</summary>
    public IReadOnlyList<EncodedPair> Encode(IEnumerable<GenerationPair> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        return [.. pairs.Select(p =>
        {
            // One parse of the act serves source and target.
            var prepared = PreparePair(Family, Delexicalized, p);
            return new EncodedPair(EncodePreparedSource(prepared.Source), Vocabulary.Encode(prepared.Target));
        })];
    }

    /// <summary>The text generated for <paramref name="source"/> as a user reads it: for a delexicalised model the placeholders are replaced by the source's values; otherwise unchanged.</summary>
    public string Relexicalize(string source, string output)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(output);
        return Delexicalized ? NlgDelexicalizer.Relexicalize(output, NlgDelexicalizer.Source(source).Values) : output;
    }

    /// <summary>
    /// Writes the model (and <paramref name="run"/>, the state of the run that made it, if any) to
    /// <paramref name="path"/>: a temporary file beside it, flushed and renamed over it, so a crash leaves the old file
    /// or the new one. <paramref name="optimizerState"/> (a run's outer Adam moments) is written beside the weights;
    /// <see cref="Load"/> reads only the weights, so the file is a model either way.
    /// </summary>
    public void Save(string path, GenerationRunState? run = null, IEnumerable<KeyValuePair<string, Tensor>>? optimizerState = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var header = new Header(Family, Transformer.Options, Vocabulary.LowerCase, Vocabulary.Alphabet, [.. Vocabulary.Merges.Select(m => new[] { m.Left, m.Right })], Delexicalized);
        var metadata = new Dictionary<string, string> { ["format"] = "pt", [ModelKey] = JsonSerializer.Serialize(header, Json) };
        if (run is not null) metadata[RunKey] = JsonSerializer.Serialize(run, Json);
        Safetensors.Write(path, optimizerState is null ? Weights : Weights.Concat(optimizerState), metadata);
    }

    /// <summary>Reads a model written by <see cref="Save"/> (weights as leaves that require gradients, on the CPU) and the run state it holds, if any.</summary>
    /// <exception cref="FileNotFoundException">There is no file at <paramref name="path"/>.</exception>
    /// <exception cref="InvalidDataException">The file is not a generation model (the message names it and what is wrong).</exception>
    public static (GenerationModel Model, GenerationRunState? Run) Load(string path)
    {
        using var file = SafetensorsFile.Open(path);
        if (!file.Metadata.TryGetValue(ModelKey, out var text))
            throw new InvalidDataException($"'{path}' is not a generation model: its header has no '{ModelKey}' entry (made by `metanlp train --task-family`?).");
        Header header;
        GenerationRunState? run = null;
        try
        {
            header = JsonSerializer.Deserialize<Header>(text, Json) ?? throw new JsonException("null");
            if (file.Metadata.TryGetValue(RunKey, out var runText))
            {
                run = JsonSerializer.Deserialize<GenerationRunState>(runText, Json);
                // Runs saved before the outer optimizer was an option were plain SGD; the option's default is now Adam.
                if (run is not null && JsonNode.Parse(runText)?["options"]?["meta"] is JsonObject meta && !meta.ContainsKey("outerOptimizer"))
                    run = run with { Options = run.Options with { Meta = run.Options.Meta with { OuterOptimizer = GenerationMetaOptions.Sgd } } };
            }
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{path}': the generation metadata cannot be read ({e.Message}).", e);
        }
        if (header.Merges.Any(m => m.Length != 2)) throw new InvalidDataException($"'{path}': a merge of the vocabulary is not a pair of symbols.");
        var vocabulary = new BpeVocabulary(header.Alphabet, [.. header.Merges.Select(m => (m[0], m[1]))], header.LowerCase);
        Seq2SeqTransformer transformer;
        try
        {
            transformer = new Seq2SeqTransformer(header.Options);
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new InvalidDataException($"'{path}': the model options are out of bounds ({e.Message}).", e);
        }
        // The names and shapes come from a fresh description, so a file with a missing or misshapen weight is refused.
        using var scope = NewDisposeScope();
        var expected = transformer.InitialWeights(0);
        var items = new List<KeyValuePair<string, Tensor>>();
        foreach (var (name, template) in expected)
        {
            var entry = file.Entry(name);
            if (!entry.Shape.SequenceEqual(template.shape))
                throw new InvalidDataException($"'{path}': weight '{name}' is [{string.Join(", ", entry.Shape)}], the model needs [{string.Join(", ", template.shape)}].");
            var value = file.Read(name);
            if (value.dtype != template.dtype) value = value.to_type(template.dtype);
            items.Add(new(name, value.requires_grad_().MoveToOuterDisposeScope()));
        }
        GenerationModel model;
        try
        {
            model = new GenerationModel(vocabulary, transformer, new ParameterSet(items), header.Family, header.Delexicalized);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"'{path}': {e.Message}", e);
        }
        return (model, run);
    }

    // Delexicalized is absent (false) in files written before it existed.
    private sealed record Header(GenerationTaskFamily Family, Seq2SeqOptions Options, bool LowerCase, IReadOnlyList<string> Alphabet, IReadOnlyList<string[]> Merges, bool Delexicalized = false);
}
