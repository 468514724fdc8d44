using MetaNlp.Algorithms;
using MetaNlp.Data;
using MetaNlp.Models;
using MetaNlp.Workarounds;
using static TorchSharp.torch;

namespace MetaNlp.Training;

/// <summary>
/// The supervised contrastive stage (SetFit and ContrastNet style) that can precede meta-training: the encoder's
/// trainable weights are tuned so that sentence vectors of one meta-training class draw together and those of
/// different classes apart (<see cref="SupervisedContrastiveLoss"/> over <see cref="ClassBalancedBatches"/>), then any
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
        ArgumentNullException.ThrowIfNull(embedder);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var parameters = embedder.Encoder.parameters().Where(p => p.requires_grad).ToArray();
        if (options.Epochs > 0 && parameters.Length == 0)
            throw new ArgumentException("The contrastive stage trains the encoder, and this one has no trainable weight (with --encoder minilm, choose --finetune-layers).");
        var batches = new ClassBalancedBatches(examples, options.ClassesPerBatch, options.ExamplesPerClass, seed);
        var labels = examples.Select(e => e.Label).Distinct(StringComparer.Ordinal).Select((label, i) => (label, i)).ToDictionary(p => p.label, p => (long)p.i, StringComparer.Ordinal);
        using var optimizer = new ScalarSafeAdam(parameters, options.LearningRate, weightDecay: 0);
        var losses = new List<double>();
        int total = options.Epochs * batches.Epoch(0).Count, done = 0; // every epoch has as many batches
        embedder.Encoder.train();
        try
        {
            for (int epoch = 0; epoch < options.Epochs; epoch++)
            {
                double sum = 0;
                var epochBatches = batches.Epoch(epoch);
                foreach (var batch in epochBatches)
                {
                    cancellation.ThrowIfCancellationRequested();
                    using var scope = NewDisposeScope();
                    optimizer.zero_grad();
                    var vectors = embedder.Embed([.. batch.Select(e => e.Text)]);
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
