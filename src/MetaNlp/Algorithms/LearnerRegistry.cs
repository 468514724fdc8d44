using System.Text.Json;
using System.Text.Json.Serialization;

namespace MetaNlp.Algorithms;

/// <summary>
/// The learners this build knows: a list of the descriptors each learner declares next to its own code
/// (<see cref="LearnerDescriptor"/>), and lookups by name for the CLI, the API and checkpoints.
/// </summary>
public static class LearnerRegistry
{
    /// <summary>JSON settings for algorithm options: enums as strings.</summary>
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    /// <summary>Every learner, in the order help texts list them.</summary>
    /// <remarks>
    /// Each learner's <c>Descriptor</c> is a getter that builds a new descriptor (read once, here) rather than a static
    /// field: reading a static field would run the class's static initialiser, whose Scalar constants load LibTorch,
    /// and listing the names (the CLI's help) must not.
    /// </remarks>
    public static IReadOnlyList<LearnerDescriptor> Descriptors { get; } =
    [
        PrototypicalNetwork.Descriptor, NearestNeighbour.Descriptor,
        MatchingNetwork.Descriptor, SiameseNetwork.Descriptor, RelationNetwork.Descriptor, InductionNetwork.Descriptor, DifferentiableRidge.Descriptor,
        Maml.Descriptor, Maml.FirstOrderDescriptor, Anil.Descriptor, MetaSgd.Descriptor, Reptile.Descriptor, ProtoMaml.Descriptor, LearnedOptimizer.Descriptor,
    ];

    /// <summary>The algorithms this build knows.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. Descriptors.Select(d => d.Name)];

    /// <summary>The descriptor named <paramref name="algorithm"/>.</summary>
    /// <exception cref="ArgumentException">Unknown name; the message lists the known ones.</exception>
    public static LearnerDescriptor Find(string algorithm) =>
        Descriptors.FirstOrDefault(d => d.Name == algorithm)
        ?? throw new ArgumentException($"Unknown algorithm '{algorithm}'; known: {string.Join(", ", Names)}.");

    /// <summary>Whether <paramref name="algorithm"/> adapts by inner-loop gradient steps (its options are <see cref="GradientLearnerOptions"/>).</summary>
    public static bool IsGradientBased(string algorithm) => Find(algorithm).Family == LearnerFamily.Gradient;

    /// <summary>Throws if <paramref name="algorithm"/> is unknown, listing the known names.</summary>
    public static void Validate(string algorithm) => Find(algorithm);

    /// <summary>Builds the learner named <paramref name="algorithm"/> over <paramref name="embedder"/>, its options read from <paramref name="options"/> (null: defaults).</summary>
    /// <exception cref="ArgumentException">Unknown algorithm, or options of the wrong shape or out of bounds.</exception>
    public static IFewShotLearner Create(string algorithm, TextEmbedder embedder, JsonElement? options)
    {
        var descriptor = Find(algorithm);
        return descriptor.Create(embedder, descriptor.ReadOptions(options));
    }

    /// <summary>
    /// Reads <paramref name="algorithm"/>'s options from <paramref name="options"/> and checks them against their
    /// bounds (<see cref="LearnerDescriptor.ReadOptions"/>) without building anything.
    /// </summary>
    /// <exception cref="ArgumentException">Unknown algorithm, options of the wrong shape, or a value out of bounds; the message names it.</exception>
    public static void ValidateOptions(string algorithm, JsonElement? options) => Find(algorithm).ReadOptions(options);

    /// <summary>Serialises an options record for a spec.</summary>
    public static JsonElement ToJson<T>(T options) => JsonSerializer.SerializeToElement(options, Json);
}
