using System.Text.Json;
using System.Text.Json.Serialization;

namespace MetaNlp.Algorithms;

/// <summary>Algorithm names and how to build each learner from its JSON options (CLI flags and checkpoints).</summary>
public static class LearnerRegistry
{
    /// <summary>JSON settings for algorithm options: enums as strings.</summary>
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    /// <summary>The algorithms this build knows.</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        PrototypicalNetwork.Name, NearestNeighbour.Name,
        MatchingNetwork.Name, SiameseNetwork.Name, RelationNetwork.Name, InductionNetwork.Name,
        Maml.Name, Maml.FirstOrderName, Anil.Name, MetaSgd.Name, Reptile.Name, ProtoMaml.Name, LearnedOptimizer.Name,
    ];

    /// <summary>Whether <paramref name="algorithm"/> adapts by inner-loop gradient steps (its options are <see cref="GradientLearnerOptions"/>).</summary>
    public static bool IsGradientBased(string algorithm) => algorithm is Maml.Name or Maml.FirstOrderName or Anil.Name or MetaSgd.Name or Reptile.Name or ProtoMaml.Name or LearnedOptimizer.Name;

    /// <summary>Throws if <paramref name="algorithm"/> is unknown, listing the known names.</summary>
    public static void Validate(string algorithm)
    {
        if (!Names.Contains(algorithm))
            throw new ArgumentException($"Unknown algorithm '{algorithm}'; known: {string.Join(", ", Names)}.");
    }

    /// <summary>Builds the learner named <paramref name="algorithm"/> over <paramref name="embedder"/>.</summary>
    public static IFewShotLearner Create(string algorithm, TextEmbedder embedder, JsonElement? options)
    {
        Validate(algorithm);
        return algorithm switch
        {
            PrototypicalNetwork.Name => new PrototypicalNetwork(embedder, Valid(Read<PrototypicalOptions>(options), o => o.Validate())),
            NearestNeighbour.Name => new NearestNeighbour(embedder, Valid(Read<NearestNeighbourOptions>(options), o => o.Validate())),
            MatchingNetwork.Name => new MatchingNetwork(embedder, Valid(Read<MatchingOptions>(options), o => o.Validate())),
            SiameseNetwork.Name => new SiameseNetwork(embedder, Valid(Read<SiameseOptions>(options), o => o.Validate())),
            RelationNetwork.Name => new RelationNetwork(embedder, Valid(Read<RelationOptions>(options), o => o.Validate())),
            InductionNetwork.Name => new InductionNetwork(embedder, Valid(Read<InductionOptions>(options), o => o.Validate())),
            Maml.Name => new Maml(embedder, Gradient(options)),
            Maml.FirstOrderName => new Maml(embedder, (Gradient(options) ?? new GradientLearnerOptions()) with { FirstOrder = true }),
            Anil.Name => new Anil(embedder, Gradient(options)),
            MetaSgd.Name => new MetaSgd(embedder, Gradient(options)),
            Reptile.Name => new Reptile(embedder, Gradient(options)),
            ProtoMaml.Name => new ProtoMaml(embedder, Gradient(options)),
            LearnedOptimizer.Name => new LearnedOptimizer(embedder, Gradient(options)),
            _ => throw new InvalidOperationException($"'{algorithm}' is listed but not built."),
        };
    }

    /// <summary>
    /// Reads <paramref name="algorithm"/>'s options from <paramref name="options"/> and checks them against their
    /// bounds (each options record's <c>Validate</c>) without building anything.
    /// </summary>
    /// <exception cref="ArgumentException">Unknown algorithm, options of the wrong shape, or a value out of bounds; the message names it.</exception>
    public static void ValidateOptions(string algorithm, JsonElement? options)
    {
        Validate(algorithm);
        try
        {
            switch (algorithm)
            {
                case PrototypicalNetwork.Name: Read<PrototypicalOptions>(options)?.Validate(); break;
                case NearestNeighbour.Name: Read<NearestNeighbourOptions>(options)?.Validate(); break;
                case MatchingNetwork.Name: Read<MatchingOptions>(options)?.Validate(); break;
                case SiameseNetwork.Name: Read<SiameseOptions>(options)?.Validate(); break;
                case RelationNetwork.Name: Read<RelationOptions>(options)?.Validate(); break;
                case InductionNetwork.Name: Read<InductionOptions>(options)?.Validate(); break;
                default: Read<GradientLearnerOptions>(options)?.Validate(); break;
            }
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"The options of '{algorithm}' are not valid: {e.Message}", e);
        }
    }

    private static GradientLearnerOptions? Gradient(JsonElement? options) => Valid(Read<GradientLearnerOptions>(options), o => o.Validate());

    private static T? Valid<T>(T? options, Action<T> validate) where T : class
    {
        if (options is not null) validate(options);
        return options;
    }

    /// <summary>Serialises an options record for a spec.</summary>
    public static JsonElement ToJson<T>(T options) => JsonSerializer.SerializeToElement(options, Json);

    private static T? Read<T>(JsonElement? json) where T : class =>
        json is { ValueKind: JsonValueKind.Object } element ? element.Deserialize<T>(Json) : null;
}
