using MetaNlp.Algorithms;
using MetaNlp.Data;
using MetaNlp.Models;
using MetaNlp.Workarounds;
using static System.FormattableString;
using TorchSharp;
using static TorchSharp.torch;

namespace MetaNlp.Training;

/// <summary>
/// The contrastive stages that can precede meta-training. The self-supervised one (SimCSE style) reads the data's
/// unlabelled texts: each text is encoded twice in training mode and its two views are drawn together, away from the
/// batch's other texts. The supervised one (SetFit and ContrastNet style) draws sentence vectors of one meta-training
/// class together and those of different classes apart. Both minimise <see cref="SupervisedContrastiveLoss"/> over
/// <see cref="ClassBalancedBatches"/> (in the self-supervised stage every text is a class of its two views), then any
/// learner meta-trains from there. Only the encoder changes; a learner's own modules (a relation head) do not.
/// </summary>
public static class ContrastiveTrainer
{
    /// <summary>Runs <see cref="ContrastiveOptions.Epochs"/> epochs; returns the mean loss of each epoch.</summary>
    /// <param name="embedder">Tokenizer and encoder (put in training mode for the stage, in inference mode after it).</param>
    /// <param name="examples">Labelled meta-training examples.</param>
    /// <param name="options">The stage's options.</param>
    /// <param name="seed">Seed of the batches.</param>
    /// <param name="onBatch">Called after every batch with (batches done, batches in all, batch loss).</param>
    /// <param name="cancellation">Stops between batches.</param>
    public static IReadOnlyList<double> Train(TextEmbedder embedder, IReadOnlyList<TextExample> examples, ContrastiveOptions options, int seed,
        Action<int, int, double>? onBatch = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(examples);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (options.Epochs == 0) return [];
        return Run(embedder, new ClassBalancedBatches(examples, options.ClassesPerBatch, options.ExamplesPerClass, seed), options.Epochs, options, onBatch, cancellation);
    }

    /// <summary>
    /// Runs <see cref="ContrastiveOptions.UnlabeledEpochs"/> epochs of the self-supervised stage over
    /// <paramref name="texts"/>, <see cref="ContrastiveOptions.UnlabeledTextsPerBatch"/> texts per batch, each encoded
    /// twice; returns the mean loss of each epoch. The two views differ only through the encoder's randomness in
    /// training mode (word dropout, dropout), so an encoder without any gives the stage nothing to learn: refused.
    /// </summary>
    /// <param name="embedder">Tokenizer and encoder (put in training mode for the stage, in inference mode after it).</param>
    /// <param name="texts">Unlabelled texts (<see cref="TextDataset.Unlabeled"/>); repeats count as one.</param>
    /// <param name="options">The stage's options.</param>
    /// <param name="seed">Seed of the batches.</param>
    /// <param name="onBatch">Called after every batch with (batches done, batches in all, batch loss).</param>
    /// <param name="cancellation">Stops between batches.</param>
    /// <exception cref="ArgumentException">Fewer than two distinct texts, or an encoder without word dropout or dropout.</exception>
    public static IReadOnlyList<double> TrainUnlabeled(TextEmbedder embedder, IReadOnlyList<string> texts, ContrastiveOptions options, int seed,
        Action<int, int, double>? onBatch = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(embedder);
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (options.UnlabeledEpochs == 0) return [];
        var distinct = texts.Where(t => !string.IsNullOrWhiteSpace(t)).Distinct(StringComparer.Ordinal).ToArray();
        if (distinct.Length < 2)
            throw new ArgumentException($"The self-supervised contrastive stage needs at least two distinct unlabelled texts; the data has {distinct.Length}.", nameof(texts));
        var encoder = embedder.Encoder.Options;
        if (!(encoder.WordDropout > 0) && !(encoder.Dropout > 0))
            throw new ArgumentException($"The self-supervised contrastive stage makes two views of a text by the encoder's word dropout or dropout, and this {encoder.Kind} encoder has neither: set --word-dropout or --dropout above 0.", nameof(embedder));
        // Every text is a class of two identical examples; ClassBalancedBatches then packs whole pairs.
        var views = distinct.SelectMany((text, i) => new[] { new TextExample(text, Invariant($"u{i}")), new TextExample(text, Invariant($"u{i}")) }).ToArray();
        var batches = new ClassBalancedBatches(views, Math.Min(options.UnlabeledTextsPerBatch, distinct.Length), 2, seed);
        return Run(embedder, batches, options.UnlabeledEpochs, options, onBatch, cancellation);
    }

    private static IReadOnlyList<double> Run(TextEmbedder embedder, ClassBalancedBatches batches, int epochs, ContrastiveOptions options,
        Action<int, int, double>? onBatch, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(embedder);
        var parameters = embedder.Encoder.parameters().Where(p => p.requires_grad).ToArray();
        if (parameters.Length == 0)
            throw new ArgumentException("The contrastive stage trains the encoder, and this one has no trainable weight (with --encoder minilm, choose --finetune-layers).");
        using var optimizer = new ScalarSafeAdam(parameters, options.LearningRate, weightDecay: 0);
        var losses = new List<double>();
        int total = epochs * batches.Epoch(0).Count, done = 0; // every epoch has as many batches
        embedder.Encoder.train();
        try
        {
            for (int epoch = 0; epoch < epochs; epoch++)
            {
                double sum = 0;
                var epochBatches = batches.Epoch(epoch);
                foreach (var batch in epochBatches)
                {
                    cancellation.ThrowIfCancellationRequested();
                    using var scope = NewDisposeScope();
                    optimizer.zero_grad();
                    // The loss takes unit vectors; MiniLM's are, a word encoder's are not (their dot products over
                    // the temperature would saturate the softmax).
                    var vectors = nn.functional.normalize(embedder.Embed([.. batch.Select(e => e.Text)]), p: 2, dim: 1);
                    var labels = batch.Select(e => e.Label).Distinct(StringComparer.Ordinal).Select((label, i) => (label, i)).ToDictionary(p => p.label, p => (long)p.i, StringComparer.Ordinal);
                    var loss = SupervisedContrastiveLoss.Compute(vectors, tensor(batch.Select(e => labels[e.Label]).ToArray()), options.Temperature);
                    double value = loss.item<float>();
                    if (!double.IsFinite(value)) throw new InvalidOperationException($"The contrastive loss became {value} in epoch {epoch + 1}; lower the contrastive learning rate.");
                    loss.backward();
                    optimizer.step();
                    sum += value;
                    onBatch?.Invoke(++done, total, value);
                }
                losses.Add(sum / epochBatches.Count);
            }
        }
        finally
        {
            optimizer.zero_grad();
            embedder.Encoder.eval();
        }
        return losses;
    }
}
