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
            PrototypicalNetwork.Name => new PrototypicalNetwork(embedder, Read<PrototypicalOptions>(options)),
            NearestNeighbour.Name => new NearestNeighbour(embedder, Read<NearestNeighbourOptions>(options)),
            MatchingNetwork.Name => new MatchingNetwork(embedder, Read<MatchingOptions>(options)),
            SiameseNetwork.Name => new SiameseNetwork(embedder, Read<SiameseOptions>(options)),
            RelationNetwork.Name => new RelationNetwork(embedder, Read<RelationOptions>(options)),
            InductionNetwork.Name => new InductionNetwork(embedder, Read<InductionOptions>(options)),
            Maml.Name => new Maml(embedder, Read<GradientLearnerOptions>(options)),
            Maml.FirstOrderName => new Maml(embedder, (Read<GradientLearnerOptions>(options) ?? new GradientLearnerOptions()) with { FirstOrder = true }),
            Anil.Name => new Anil(embedder, Read<GradientLearnerOptions>(options)),
            MetaSgd.Name => new MetaSgd(embedder, Read<GradientLearnerOptions>(options)),
            Reptile.Name => new Reptile(embedder, Read<GradientLearnerOptions>(options)),
            ProtoMaml.Name => new ProtoMaml(embedder, Read<GradientLearnerOptions>(options)),
            LearnedOptimizer.Name => new LearnedOptimizer(embedder, Read<GradientLearnerOptions>(options)),
            _ => throw new InvalidOperationException($"'{algorithm}' is listed but not built."),
        };
    }

    /// <summary>Serialises an options record for a spec.</summary>
    public static JsonElement ToJson<T>(T options) => JsonSerializer.SerializeToElement(options, Json);

    private static T? Read<T>(JsonElement? json) where T : class =>
        json is { ValueKind: JsonValueKind.Object } element ? element.Deserialize<T>(Json) : null;
}
