namespace MetaNlp.Server;

/// <summary>A labelled example in a request.</summary>
/// <param name="Text">The example's text (a visible character at least; at most the text length limit).</param>
/// <param name="Label">Its label (a visible character at least; at most 200 characters).</param>
public sealed record ExampleInput(string? Text, string? Label);

/// <summary>
/// POST /api/classifiers: a name, an optional base model and threshold (without one, the base model's
/// <see cref="BaseModelOutput.DefaultThreshold"/>), and labelled examples (at least two labels).
/// </summary>
/// <param name="Name">A name for people (at most 200 characters; need not be unique).</param>
/// <param name="BaseModel">A base model of GET /api/models; without it, the server's default.</param>
/// <param name="Threshold">From 0 to 1: a best probability under it answers "none of these"; without it, the base model's defaultThreshold.</param>
/// <param name="Examples">Labelled examples of at least two labels.</param>
public sealed record CreateClassifierRequest(string? Name, string? BaseModel, double? Threshold, IReadOnlyList<ExampleInput>? Examples);

/// <summary>PATCH /api/classifiers/{id}/examples: examples to add and example ids to remove, in one change.</summary>
/// <param name="Add">Examples to add.</param>
/// <param name="Remove">Ids of the classifier's examples to remove (the ids GET /api/classifiers/{id} shows).</param>
public sealed record ChangeExamplesRequest(IReadOnlyList<ExampleInput>? Add, IReadOnlyList<long>? Remove);

/// <summary>POST /api/classifiers/{id}/classify: texts to classify.</summary>
/// <param name="Texts">The texts, at least one (at most the batch and character limits).</param>
public sealed record ClassifyRequest(IReadOnlyList<string>? Texts);

/// <summary>POST /api/classifiers/{id}/explain: one text and how many nearest examples to return (default 5).</summary>
/// <param name="Text">The text to classify and explain.</param>
/// <param name="Top">How many nearest examples to return, 1 to 100 (default 5).</param>
/// <param name="Steps">Integrated-gradients steps for the token attributions, 1 to 200 (default 50).</param>
public sealed record ExplainRequest(string? Text, int? Top, int? Steps = null);

/// <summary>A label and how many examples it has.</summary>
public sealed record LabelCount(string Label, int Examples);

/// <summary>A stored example in a response.</summary>
public sealed record ExampleOutput(long Id, string Text, string Label);

/// <summary>A classifier in responses; <see cref="Examples"/> only when one classifier is asked for.</summary>
public sealed record ClassifierResponse(string Id, string Name, string BaseModel, double Threshold, long Version, string CreatedAt, string UpdatedAt,
    IReadOnlyList<LabelCount> Labels, int ExampleCount, IReadOnlyList<ExampleOutput>? Examples)
{
    /// <summary>The response for a stored classifier and its examples.</summary>
    public static ClassifierResponse From(StoredClassifier c, IReadOnlyList<StoredExample> examples, bool withExamples)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(examples);
        var labels = examples.GroupBy(e => e.Label, StringComparer.Ordinal).Select(g => new LabelCount(g.Key, g.Count())).OrderBy(l => l.Label, StringComparer.Ordinal).ToArray();
        return new ClassifierResponse(c.Id, c.Name, c.BaseModel, c.Threshold, c.Version, c.CreatedAt, c.UpdatedAt, labels, examples.Count,
            withExamples ? examples.Select(e => new ExampleOutput(e.Id, e.Text, e.Label)).ToArray() : null);
    }

    /// <summary>The response for a stored classifier without its examples, from its examples counted per label.</summary>
    public static ClassifierResponse From(StoredClassifier c, IReadOnlyDictionary<string, int> labelCounts)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(labelCounts);
        var labels = labelCounts.Select(kv => new LabelCount(kv.Key, kv.Value)).OrderBy(l => l.Label, StringComparer.Ordinal).ToArray();
        return new ClassifierResponse(c.Id, c.Name, c.BaseModel, c.Threshold, c.Version, c.CreatedAt, c.UpdatedAt, labels, labels.Sum(l => l.Examples), null);
    }
}

/// <summary>One classified text.</summary>
public sealed record PredictionOutput(string Text, string? Label, bool NoneOfThese, string BestLabel, double Probability, IReadOnlyDictionary<string, double> Probabilities);

/// <summary>Response of classify.</summary>
public sealed record ClassifyResponse(string ClassifierId, long Version, IReadOnlyList<PredictionOutput> Predictions);

/// <summary>A support example close to the explained text, with its cosine similarity.</summary>
public sealed record NeighbourOutput(long ExampleId, string Text, string Label, double Score);

/// <summary>Response of explain.</summary>
/// <param name="ClassifierId">The classifier.</param>
/// <param name="Version">The classifier's version that answered.</param>
/// <param name="Prediction">The prediction, as classify gives it.</param>
/// <param name="Nearest">The support examples nearest to the text, most similar first.</param>
/// <param name="Attributions">The text's tokens and words with their attributions for the best label against the runner-up.</param>
public sealed record ExplainResponse(string ClassifierId, long Version, PredictionOutput Prediction, IReadOnlyList<NeighbourOutput> Nearest, AttributionsOutput? Attributions = null);

/// <summary>
/// Token attributions of an explained text (docs/EXPLAIN.md): integrated gradients on the token embeddings of
/// score(label) - score(against), from the pad baseline (every token's embedding set to the padding token's), checked by occlusion. The attributions sum to
/// inputGap - baselineGap up to completenessError.
/// </summary>
/// <param name="Label">The best label (also when the prediction is "none of these").</param>
/// <param name="Against">The runner-up label.</param>
/// <param name="Steps">Integration steps (Gauss-Legendre nodes).</param>
/// <param name="InputGap">score(label) - score(against) for the text.</param>
/// <param name="BaselineGap">The same gap with every token's embedding at the baseline.</param>
/// <param name="CompletenessError">Sum of the attributions minus (inputGap - baselineGap).</param>
/// <param name="Tokens">Each token the encoder reads (word pieces for MiniLM).</param>
/// <param name="Words">The tokens grouped into words; special ones ([CLS], [SEP]) are marked.</param>
public sealed record AttributionsOutput(string Label, string Against, int Steps, double InputGap, double BaselineGap, double CompletenessError,
    IReadOnlyList<TokenAttributionOutput> Tokens, IReadOnlyList<WordAttributionOutput> Words);

/// <summary>One token and its attributions.</summary>
/// <param name="Token">The token as the tokenizer shows it.</param>
/// <param name="Word">Index of its word in words.</param>
/// <param name="IntegratedGradients">Its integrated-gradients attribution (positive: toward the label).</param>
/// <param name="Occlusion">The gap minus the gap with this token at the baseline.</param>
public sealed record TokenAttributionOutput(string Token, int Word, double IntegratedGradients, double Occlusion);

/// <summary>One word and its tokens' attributions summed.</summary>
/// <param name="Text">The word.</param>
/// <param name="Special">Whether the tokenizer added it ([CLS], [SEP]).</param>
/// <param name="IntegratedGradients">Sum of its tokens' integrated gradients.</param>
/// <param name="Occlusion">Sum of its tokens' occlusion scores.</param>
/// <param name="Share">Its integrated gradients over the largest absolute word attribution, in [-1, 1] (0 for special words): how strongly to colour it.</param>
public sealed record WordAttributionOutput(string Text, bool Special, double IntegratedGradients, double Occlusion, double Share);

/// <summary>A base model in GET /api/models.</summary>
/// <param name="Name">The name a create request gives as baseModel.</param>
/// <param name="Algorithm">The few-shot learner.</param>
/// <param name="Encoder">The sentence encoder.</param>
/// <param name="IsDefault">Whether a create request without baseModel gets this one.</param>
/// <param name="DefaultThreshold">The "none of these" threshold a classifier of this model gets when created without one (measured for minilm; 0 for a checkpoint).</param>
public sealed record BaseModelOutput(string Name, string Algorithm, string Encoder, bool IsDefault, double DefaultThreshold);

/// <summary>GET /health: ok, degraded (some classifiers cannot answer) or unhealthy (503), with what is wrong.</summary>
/// <param name="Status">"ok", "degraded" or "unhealthy".</param>
/// <param name="Classifiers">How many classifiers are stored.</param>
/// <param name="UnavailableClassifiers">How many of them use a base model that is not loaded.</param>
/// <param name="Models">The loaded base models.</param>
/// <param name="Problems">One line per problem: what does not work and what to do; empty when ok.</param>
public sealed record HealthResponse(string Status, int Classifiers, int UnavailableClassifiers, IReadOnlyList<string> Models, IReadOnlyList<string> Problems);
