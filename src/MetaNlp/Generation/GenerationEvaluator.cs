using MetaNlp.Functional;
using static TorchSharp.torch;

namespace MetaNlp.Generation;

/// <summary>
/// Decoding and scoring of a held-out task: <see cref="Generate"/> decodes sources with given (adapted) weights,
/// <see cref="Score"/> computes the family's metrics on the decoded outputs, and <see cref="AdaptAndEvaluate"/> does
/// the whole held-out evaluation in one bounded call (adapt on K support pairs, decode the test sources, score).
/// </summary>
public static class GenerationEvaluator
{
    /// <summary>The decoded text of each source (greedy, or beam search when <see cref="GenerationDecodeOptions.Beam"/> is above 1), relexicalised by a delexicalised model.</summary>
    public static IReadOnlyList<string> Generate(GenerationModel model, ParameterSet weights, IReadOnlyList<string> sources, GenerationDecodeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(sources);
        options ??= new GenerationDecodeOptions();
        options.Validate();
        var outputs = new List<string>(sources.Count);
        var device = weights[0].Value.device;
        foreach (var text in sources)
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var source = SequenceBatch.Pad([model.EncodeSource(text)], device);
            var step = model.Transformer.Step(weights, source);
            var ids = options.Beam == 1
                ? BeamSearch.Greedy(step, BpeVocabulary.BeginId, BpeVocabulary.EndId, options.MaxLength)
                : BeamSearch.Search(step, BpeVocabulary.BeginId, BpeVocabulary.EndId, options.Beam, options.MaxLength, options.Alpha).Tokens;
            outputs.Add(model.Relexicalize(text, model.Vocabulary.Decode(ids)));
        }
        return outputs;
    }

    /// <summary>
    /// The metrics of <paramref name="family"/> for <paramref name="outputs"/> against the targets of
    /// <paramref name="test"/>; with <paramref name="lowerCase"/> the references are lower-cased first.
    /// </summary>
    /// <exception cref="ArgumentException">The lists differ in length or are empty.</exception>
    public static GenerationScores Score(GenerationTaskFamily family, IReadOnlyList<GenerationPair> test, IReadOnlyList<string> outputs, bool lowerCase)
    {
        ArgumentNullException.ThrowIfNull(test);
        ArgumentNullException.ThrowIfNull(outputs);
        if (test.Count == 0 || test.Count != outputs.Count)
            throw new ArgumentException($"{test.Count} test pairs but {outputs.Count} outputs (both must be the same, and not zero).", nameof(outputs));
        var references = test.Select(p => lowerCase ? p.Target.ToLowerInvariant() : p.Target).ToList();
        var bleu = Bleu.Corpus(outputs, [references]).Score;
        var chrF = ChrF.Corpus(outputs, [references]);
        double? ser = family == GenerationTaskFamily.Nlg ? SlotErrorRate.Count([.. test.Select(p => p.Source)], outputs).Rate * 100 : null;
        double? r1 = null, r2 = null, rl = null;
        if (family == GenerationTaskFamily.Summarization)
        {
            r1 = Enumerable.Range(0, outputs.Count).Average(i => Rouge.N(references[i], outputs[i], 1).F1) * 100;
            r2 = Enumerable.Range(0, outputs.Count).Average(i => Rouge.N(references[i], outputs[i], 2).F1) * 100;
            rl = Enumerable.Range(0, outputs.Count).Average(i => Rouge.L(references[i], outputs[i]).F1) * 100;
        }
        return new GenerationScores(outputs.Count, bleu, chrF, lowerCase, ser, r1, r2, rl);
    }

    /// <summary>
    /// The held-out evaluation: adapts a copy of <paramref name="start"/> (the model's weights when null) to
    /// <paramref name="support"/>, decodes every test source and scores the outputs. The model's weights are not changed.
    /// </summary>
    /// <returns>The scores, the outputs in test order, and the support loss before and after adaptation.</returns>
    public static GenerationEvaluation AdaptAndEvaluate(GenerationModel model, IReadOnlyList<GenerationPair> support, IReadOnlyList<GenerationPair> test,
        GenerationAdaptationOptions adaptation, GenerationDecodeOptions decoding, ParameterSet? start = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(support);
        ArgumentNullException.ThrowIfNull(test);
        ArgumentNullException.ThrowIfNull(adaptation);
        ArgumentNullException.ThrowIfNull(decoding);
        using var scope = NewDisposeScope();
        var weights = start ?? model.Weights;
        var encoded = model.Encode(support);
        var before = GenerationAdapter.Loss(model.Transformer, weights, encoded, 0, adaptation.MaxTargetLength);
        var adapted = GenerationAdapter.Adapt(model.Transformer, weights, encoded, adaptation);
        var after = GenerationAdapter.Loss(model.Transformer, adapted, encoded, 0, adaptation.MaxTargetLength);
        var outputs = Generate(model, adapted, [.. test.Select(p => p.Source)], decoding);
        return new GenerationEvaluation(Score(model.Family, test, outputs, model.Vocabulary.LowerCase), outputs, before, after);
    }
}
