namespace MetaNlp.Generation;

/// <summary>
/// The model a family's new meta-training run starts with when the caller chooses no size: the width, subword merges
/// and reading of slot values that its benchmark measured (docs/BENCHMARKS.md). <c>metanlp train --task-family</c>
/// takes every value its options do not give from here.
/// </summary>
/// <param name="ModelDim">Width of the Transformer (its feed-forward layers are twice as wide).</param>
/// <param name="MergeCount">BPE merges learned from the meta-training texts.</param>
/// <param name="Delexicalize">Whether the model reads and writes slot values as placeholders (<see cref="NlgDelexicalizer"/>).</param>
public sealed record GenerationRecipe(int ModelDim, int MergeCount, bool Delexicalize)
{
    /// <summary>Attention heads and layers on each side, the same for every family.</summary>
    public const int Heads = 4, Layers = 2;

    /// <summary>
    /// NLG: width 128, 4,000 merges, delexicalised (bench/generation-nlg: 14-15 BLEU on held-out FewShotWOZ domains at 50
    /// shots, against 5.9-6.7 lexicalised); the other families: width 64 and 2,000 merges (bench/generation-k).
    /// </summary>
    public static GenerationRecipe For(GenerationTaskFamily family) =>
        family == GenerationTaskFamily.Nlg ? new(128, 4000, Delexicalize: true) : new(64, 2000, Delexicalize: false);

    /// <summary>The network's sizes: <see cref="ModelDim"/> unless <paramref name="width"/> is given, and so on.</summary>
    public Seq2SeqOptions Sizes(int? width = null, int? heads = null, int? layers = null)
    {
        var d = width ?? ModelDim;
        return new Seq2SeqOptions
        {
            ModelDim = d,
            Heads = heads ?? Heads,
            FeedForwardDim = 2 * d,
            EncoderLayers = layers ?? Layers,
            DecoderLayers = layers ?? Layers,
        };
    }
}
