using MetaNlp.Text;
using static TorchSharp.torch;

namespace MetaNlp.Algorithms;

/// <summary>
/// An adapted classifier that opens its scoring to explanations: the sentence space its support lives in and a
/// path from token embeddings to class scores that autograd can follow. Every learner's <see cref="IFewShotLearner.Adapt"/>
/// returns one (<see cref="EmbeddingClassifier"/>); the explanation methods (Explain/) need nothing from the learner,
/// so an explanation reads the same adapted weights as the prediction it explains.
/// </summary>
public interface IExplainableClassifier : IFewShotClassifier
{
    /// <summary>The tokenizer whose ids <see cref="Scores(TokenBatch)"/> reads (and which shows what each id stands for).</summary>
    ITokenizer Tokenizer { get; }

    /// <summary>Shortest padded length the encoder accepts (a batch built for <see cref="Scores(TokenBatch)"/> is at least this long).</summary>
    int MinLength { get; }

    /// <summary>
    /// Class scores [texts, labels] of a token batch, in the autograd graph (softmax over a row gives
    /// <see cref="IFewShotClassifier.Predict"/>'s probabilities): scaled similarities or negative distances for the
    /// metric learners, logits of the adapted head for the gradient learners. The batch's
    /// <see cref="TokenBatch.TokenEmbeddingEdit"/> is honoured, so the scores can be differentiated with respect to
    /// the token embeddings. Call it in evaluation mode (no word dropout, no dropout).
    /// </summary>
    Tensor Scores(TokenBatch batch);

    /// <summary>Sentence vectors [texts, dim] as the classifier sees them (its adapted encoder weights, if any), without gradients.</summary>
    Tensor EmbedNoGrad(IReadOnlyList<string> texts);
}
