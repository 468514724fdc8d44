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
public sealed record ExplainRequest(string? Text, int? Top);

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
public sealed record ExplainResponse(string ClassifierId, long Version, PredictionOutput Prediction, IReadOnlyList<NeighbourOutput> Nearest);

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
