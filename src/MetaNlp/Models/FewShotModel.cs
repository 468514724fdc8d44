using System.Text.Json;
using MetaNlp.Algorithms;
using MetaNlp.Data;
using MetaNlp.Encoders;
using MetaNlp.Text;

namespace MetaNlp.Models;

/// <summary>A learner together with the spec that rebuilds it: what training produces and a checkpoint holds.</summary>
public sealed class FewShotModel
{
    private FewShotModel(ModelSpec spec, TextEmbedder embedder, IFewShotLearner learner)
    {
        Spec = spec;
        Embedder = embedder;
        Learner = learner;
    }

    /// <summary>The spec (no weights).</summary>
    public ModelSpec Spec { get; }

    /// <summary>
    /// The tokenizer and encoder the learner was built over (the same encoder object its module holds): what training
    /// hooks into (warnings, row-sparse tables), warm starts copy, and the service and reports embed texts with.
    /// </summary>
    public TextEmbedder Embedder { get; }

    /// <summary>The learner with its module.</summary>
    public IFewShotLearner Learner { get; }

    /// <summary>The same learner and weights under another spec (to record training provenance).</summary>
    public FewShotModel WithSpec(ModelSpec spec) => new(spec ?? throw new ArgumentNullException(nameof(spec)), Embedder, Learner);

    /// <summary>
    /// Builds a freshly initialised model from a spec (weights from the current torch seed), in inference mode
    /// (dropout off); the trainer switches it to training mode for its steps. A "bert" encoder's options without a
    /// weights hash are pinned first (<see cref="BertFolder.Pin"/>), so the model's <see cref="Spec"/>, and every
    /// checkpoint of it, records the hash of the weights it was built from.
    /// </summary>
    /// <exception cref="ArgumentException">The spec is out of bounds (<see cref="ModelSpec.Validate"/>) or does not fit its data.</exception>
    public static FewShotModel Create(ModelSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var learnerOptions = spec.ValidatedLearnerOptions();
        if (BertFolder.Pin(spec.Encoder) is var pinned && !ReferenceEquals(pinned, spec.Encoder)) spec = spec with { Encoder = pinned };
        var tokenizer = CreateTokenizer(spec);
        int Positions(string marker) => MarkerId(tokenizer, marker, "Entity position embeddings");
        int Pooling(string marker) => MarkerId(tokenizer, marker, "Entity pooling");
        var entityPositions = spec.Encoder.EntityPositionDim > 0
            ? new EntityPositions(Positions(EntityMarkers.HeadStart), Positions(EntityMarkers.TailStart))
            : null;
        var entitySpans = spec.Encoder.Pooling == EncoderOptions.EntityPooling
            ? new EntitySpans(Pooling(EntityMarkers.HeadStart), Pooling(EntityMarkers.HeadEnd), Pooling(EntityMarkers.TailStart), Pooling(EntityMarkers.TailEnd))
            : null;
        var encoder = EncoderFactory.Create(spec.Encoder, tokenizer.VocabularySize, entityPositions, entitySpans);
        encoder.eval();
        var embedder = new TextEmbedder(tokenizer, encoder);
        var learner = LearnerRegistry.Find(spec.Algorithm).Create(embedder, learnerOptions);
        return new FewShotModel(spec, embedder, spec.LabelTexts is { } texts ? new LabelTextLearner(learner, texts) : learner);
    }

    // The id a tokenizer reads an entity marker as (a word of a fitted vocabulary, a reserved WordPiece token): a
    // capability of the tokenizer, so a new tokenizer brings its own answer and its own reason when it has none.
    private static int MarkerId(ITokenizer tokenizer, string marker, string feature) =>
        tokenizer.MarkerId(marker) ?? throw new ArgumentException($"{feature} need {tokenizer.MarkerIdMissing(marker)}");

    /// <summary>
    /// The tokenizer of a spec: BERT WordPiece over MiniLM's vocabulary (a "bert" encoder's: its folder's vocab.txt) (at most <see cref="WordTokenizerOptions.MaxLength"/>
    /// ids) for the MiniLM encoder, the same with one token per entity marker for <see cref="EncoderOptions.WordPieceTokens"/>
    /// and for MiniLM with <see cref="EncoderOptions.EntityPooling"/> (<see cref="BertWordPieceTokenizer.WithEntityMarkerTokens"/>),
    /// otherwise a word tokenizer over the spec's vocabulary, cut as <see cref="EncoderOptions.Tokenizer"/> says (words, jieba, chars).
    /// </summary>
    public static ITokenizer CreateTokenizer(ModelSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (!spec.Encoder.UsesWordPiece()) return new WordTokenizer(new Vocabulary(spec.Vocabulary), spec.TokenizerOptions, TextSegmenters.For(spec.Encoder.Tokenizer));
        var pieces = spec.Encoder.Kind == BertFolder.KindName
            ? BertFolder.Tokenizer(spec.Encoder, spec.TokenizerOptions.MaxLength)
            : BertWordPieceTokenizer.MiniLm(spec.TokenizerOptions.MaxLength);
        // MiniLM reads the markers as the pieces it was pretrained on, unless it pools over the entities they mark.
        bool markerTokens = !EncoderOptions.IsPretrained(spec.Encoder.Kind) || spec.Encoder.Pooling == EncoderOptions.EntityPooling;
        return markerTokens ? pieces.WithEntityMarkerTokens() : pieces;
    }

    /// <summary>
    /// A spec for a new model whose vocabulary is fitted to <paramref name="trainingTexts"/>; with WordPiece (the
    /// pretrained encoder's, or chosen by <see cref="EncoderOptions.Tokenizer"/>) the vocabulary is fixed, so the texts
    /// are not read and the spec's vocabulary stays empty. <paramref name="algorithmOptions"/> is read by the learner's
    /// own record (<see cref="LearnerDescriptor.ReadOptions"/>); an object is stored with every property of the record.
    /// </summary>
    public static ModelSpec NewSpec(string algorithm, JsonElement? algorithmOptions, EncoderOptions encoder, IEnumerable<string> trainingTexts, WordTokenizerOptions? tokenizerOptions = null)
    {
        var learner = LearnerRegistry.Find(algorithm);
        var options = learner.ReadOptions(algorithmOptions);
        return NewSpec(learner, algorithmOptions is { ValueKind: JsonValueKind.Object } ? learner.ToJson(options) : algorithmOptions, encoder, trainingTexts, tokenizerOptions);
    }

    /// <summary>
    /// <see cref="NewSpec(string, JsonElement?, EncoderOptions, IEnumerable{string}, WordTokenizerOptions?)"/> with the
    /// learner's options as its own record (<see cref="LearnerDescriptor.OptionsType"/>), checked here
    /// (<see cref="LearnerDescriptor.Validate"/>); null: the learner's defaults.
    /// </summary>
    /// <exception cref="ArgumentException">Unknown algorithm, options of another record or out of bounds, or encoder or tokenizer options out of bounds.</exception>
    public static ModelSpec NewSpec(string algorithm, object? algorithmOptions, EncoderOptions encoder, IEnumerable<string> trainingTexts, WordTokenizerOptions? tokenizerOptions = null)
    {
        var learner = LearnerRegistry.Find(algorithm);
        if (algorithmOptions is null) return NewSpec(learner, null, encoder, trainingTexts, tokenizerOptions);
        learner.Validate(algorithmOptions);
        return NewSpec(learner, learner.ToJson(algorithmOptions), encoder, trainingTexts, tokenizerOptions);
    }

    // The options are checked by the caller; the rest of the spec here.
    private static ModelSpec NewSpec(LearnerDescriptor learner, JsonElement? checkedOptions, EncoderOptions encoder, IEnumerable<string> trainingTexts, WordTokenizerOptions? tokenizerOptions)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        encoder = BertFolder.Pin(encoder); // a BERT folder's spec records the full path and the weights' hash
        tokenizerOptions ??= new WordTokenizerOptions();
        encoder.Validate();
        tokenizerOptions.Validate();
        if (encoder.Kind == MiniLmEncoder.KindName && tokenizerOptions.MaxLength > Pretrained.MiniLmWeights.MaxPositions)
            throw new ArgumentException($"MiniLM reads at most {Pretrained.MiniLmWeights.MaxPositions} tokens per text; the tokenizer keeps {tokenizerOptions.MaxLength} (lower the maximum tokens per text, --max-tokens).");
        // A fixed WordPiece vocabulary always has the marker tokens, so texts without markers are caught here, as a
        // fitted vocabulary without them is caught when the model is built.
        if (encoder.UsesWordPiece() && encoder.Pooling == EncoderOptions.EntityPooling
            && !trainingTexts.Any(t => t.Contains(EntityMarkers.HeadStart, StringComparison.Ordinal) && t.Contains(EntityMarkers.TailStart, StringComparison.Ordinal)))
            throw new ArgumentException($"Entity pooling needs texts that mark their entities with {string.Join(" ", EntityMarkers.All)} (FewRel); no training text has both {EntityMarkers.HeadStart} and {EntityMarkers.TailStart}.");
        return new ModelSpec
        {
            Algorithm = learner.Name,
            AlgorithmOptions = checkedOptions,
            Encoder = encoder,
            TokenizerOptions = tokenizerOptions,
            Vocabulary = encoder.UsesWordPiece() ? [] : WordTokenizer.Fit(trainingTexts, tokenizerOptions, TextSegmenters.For(encoder.Tokenizer)).Vocabulary.Tokens,
        };
    }
}
