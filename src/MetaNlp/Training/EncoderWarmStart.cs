using MetaNlp.Algorithms;
using MetaNlp.Encoders;
using MetaNlp.Models;
using static TorchSharp.torch;

namespace MetaNlp.Training;

/// <summary>
/// Starts a new model's encoder from a trained model's encoder (transfer between datasets: meta-train on related
/// data, then train on yours, as CPFT pre-trains on other intent sets before the few examples of the target). Only the
/// encoder's weights carry over; the learner's own weights (a relation module, a softmax head) start fresh, so the
/// source may have been trained by another learner.
/// </summary>
public static class EncoderWarmStart
{
    /// <summary>
    /// The spec of a run that starts from <paramref name="source"/>: <paramref name="spec"/> with the source's
    /// vocabulary and tokenizer options where the encoder reads words (so word ids keep their meaning); a WordPiece
    /// encoder's vocabulary is fixed and stays as it is.
    /// </summary>
    /// <exception cref="ArgumentException">The encoders differ in kind or in a setting that shapes their weights.</exception>
    public static ModelSpec SpecFrom(ModelSpec spec, FewShotModel source)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(source);
        var from = source.Spec.Encoder;
        var to = spec.Encoder;
        if (from.Kind != to.Kind)
            throw new ArgumentException($"The initial model's encoder is {from.Kind}, this run's is {to.Kind}: a warm start needs the same encoder.");
        if (from.UsesWordPiece() != to.UsesWordPiece())
            throw new ArgumentException($"The initial model reads {(from.UsesWordPiece() ? "WordPiece tokens" : "words")}, this run {(to.UsesWordPiece() ? "WordPiece tokens" : "words")}: a warm start needs the same tokenizer.");
        return to.UsesWordPiece() ? spec : spec with { Vocabulary = source.Spec.Vocabulary, TokenizerOptions = source.Spec.TokenizerOptions };
    }

    /// <summary>
    /// Copies every encoder weight of <paramref name="source"/> into <paramref name="target"/>'s encoder. The target
    /// must train every weight the source changed from its pretrained value: a checkpoint stores only trained weights
    /// and rebuilds frozen ones from the pretrained files, so a changed weight left frozen would be lost on reload.
    /// </summary>
    /// <exception cref="ArgumentException">A weight is missing, has another shape, or is frozen here but was trained in the source.</exception>
    public static void CopyEncoder(FewShotModel source, FewShotModel target)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(target);
        var from = source.Embedder.Encoder;
        var to = target.Embedder.Encoder;
        var sourceWeights = from.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var targetWeights = to.named_parameters().ToList();
        var missing = targetWeights.Select(p => p.name).Where(n => !sourceWeights.ContainsKey(n)).ToList();
        var extra = sourceWeights.Keys.Except(targetWeights.Select(p => p.name)).ToList();
        if (missing.Count > 0 || extra.Count > 0)
            throw new ArgumentException($"The initial model's encoder has other weights than this run's (missing {Names(missing)}; not used {Names(extra)}): give the encoder options it was trained with.");
        var shapes = targetWeights.Where(p => !p.parameter.shape.SequenceEqual(sourceWeights[p.name].shape))
            .Select(p => $"{p.name} [{string.Join(", ", sourceWeights[p.name].shape)}] against [{string.Join(", ", p.parameter.shape)}]").ToList();
        if (shapes.Count > 0)
            throw new ArgumentException($"The initial model's encoder weights have other shapes ({Names(shapes)}): give the encoder options it was trained with.");
        var trainedThere = from.named_parameters().Where(p => p.parameter.requires_grad).Select(p => p.name).ToHashSet(StringComparer.Ordinal);
        var frozenHere = to.PretrainedFrozenNames.Where(trainedThere.Contains).ToList();
        if (frozenHere.Count > 0)
            throw new ArgumentException($"The initial model trained weights that this run keeps frozen ({Names(frozenHere)}): train at least the layers it trained (MiniLM: --finetune-layers {FineTuneLayersOf(source)} or more).");
        using var noGrad = no_grad();
        foreach (var (name, weight) in targetWeights) weight.copy_(sourceWeights[name]);
    }

    private static string FineTuneLayersOf(FewShotModel model) => model.Spec.Encoder.FineTuneLayers.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string Names(IReadOnlyList<string> names) =>
        names.Count == 0 ? "none" : string.Join(", ", names.Take(4)) + (names.Count > 4 ? $" and {names.Count - 4} more" : "");
}
