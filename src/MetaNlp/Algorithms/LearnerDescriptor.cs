using System.Reflection;
using System.Text.Json;

namespace MetaNlp.Algorithms;

/// <summary>
/// What the library knows about one learner, written once next to its class (a static <c>Descriptor</c>): its
/// registry name, family, options record (with that record's defaults and <c>Validate</c>) and factory.
/// <see cref="LearnerRegistry"/> only lists the descriptors; the CLI, the API and checkpoints go through them, so a new
/// learner is its own file, its tests and its docs.
/// </summary>
public abstract class LearnerDescriptor
{
    private protected LearnerDescriptor(string name, LearnerFamily family, Type learnerType, Type optionsType)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        Family = family;
        LearnerType = learnerType;
        OptionsType = optionsType;
    }

    /// <summary>The registry name checkpoints record and <c>--algo</c> takes ("protonet", "maml").</summary>
    public string Name { get; }

    /// <summary>How the learner adapts.</summary>
    public LearnerFamily Family { get; }

    /// <summary>The class the factory builds (MAML's first- and second-order names share one).</summary>
    public Type LearnerType { get; }

    /// <summary>The learner's options record; a JSON object of its properties (camel case) is what a checkpoint stores.</summary>
    public Type OptionsType { get; }

    /// <summary>
    /// Whether the options record has a settable property <paramref name="property"/> (its C# name) of type
    /// <paramref name="type"/>: how the CLI tells a flag that applies to this learner from one that does not.
    /// </summary>
    public bool Accepts(string property, Type type) =>
        OptionsType.GetProperty(property, BindingFlags.Public | BindingFlags.Instance) is { CanWrite: true } p && p.PropertyType == type;

    /// <summary>
    /// The options stored as <paramref name="json"/> (a checkpoint's, or those a user set; a missing property keeps
    /// the record's default; null: all defaults), as the learner's own record, checked against its bounds. This is
    /// the one place learner options are read and validated.
    /// </summary>
    /// <exception cref="ArgumentException">Options of the wrong shape or a value out of bounds; the message names the learner and the value.</exception>
    public abstract object ReadOptions(JsonElement? json);

    /// <summary>
    /// The options record with <paramref name="settings"/> set (property C# name to value, as the CLI maps its flags)
    /// and every other property at the record's default, with what the name implies applied; not yet checked against
    /// its bounds (<see cref="Validate"/>, which a new spec runs).
    /// </summary>
    /// <exception cref="ArgumentException">A setting names no property of the record (<see cref="Accepts"/>) or has the wrong type.</exception>
    public abstract object Build(IReadOnlyDictionary<string, object> settings);

    /// <summary>Checks an options record a caller built (<see cref="OptionsType"/>) against its bounds.</summary>
    /// <exception cref="ArgumentException">The record is of another type or a value is out of bounds.</exception>
    public abstract void Validate(object options);

    /// <summary>The options record as a checkpoint's spec stores it (every property, enums by name).</summary>
    /// <exception cref="ArgumentException">The record is not an <see cref="OptionsType"/>.</exception>
    public JsonElement ToJson(object options) => OptionsType.IsInstanceOfType(options)
        ? JsonSerializer.SerializeToElement(options, OptionsType, LearnerRegistry.Json)
        : throw new ArgumentException($"The options of '{Name}' are a {OptionsType.Name} record, not {options?.GetType().Name ?? "null"}.", nameof(options));

    /// <summary>The learner over <paramref name="embedder"/> with options read by <see cref="ReadOptions"/>.</summary>
    public abstract IFewShotLearner Create(TextEmbedder embedder, object options);

    /// <summary>The descriptor of a learner whose options record is <typeparamref name="TOptions"/>.</summary>
    /// <param name="name">Registry name.</param>
    /// <param name="family">How it adapts.</param>
    /// <param name="validate">The record's own bounds check.</param>
    /// <param name="create">Builds the learner from checked options.</param>
    /// <param name="normalize">Fixes what the name implies (first-order MAML is first order whatever the record says); null: nothing.</param>
    public static LearnerDescriptor For<TLearner, TOptions>(string name, LearnerFamily family, Action<TOptions> validate, Func<TextEmbedder, TOptions, TLearner> create, Func<TOptions, TOptions>? normalize = null)
        where TLearner : IFewShotLearner
        where TOptions : class, new() =>
        new Typed<TOptions>(name, family, typeof(TLearner), validate, (e, o) => create(e, o), normalize ?? (o => o));

    private sealed class Typed<TOptions>(string name, LearnerFamily family, Type learnerType, Action<TOptions> validate,
        Func<TextEmbedder, TOptions, IFewShotLearner> create, Func<TOptions, TOptions> normalize)
        : LearnerDescriptor(name, family, learnerType, typeof(TOptions))
        where TOptions : class, new()
    {
        public override object ReadOptions(JsonElement? json)
        {
            TOptions? options;
            try
            {
                options = json is { ValueKind: JsonValueKind.Object } element ? element.Deserialize<TOptions>(LearnerRegistry.Json) : null;
            }
            catch (JsonException e)
            {
                throw new ArgumentException($"The options of '{Name}' are not valid: {e.Message}", e);
            }
            options = normalize(options ?? new TOptions());
            validate(options);
            return options;
        }

        public override object Build(IReadOnlyDictionary<string, object> settings)
        {
            ArgumentNullException.ThrowIfNull(settings);
            var options = new TOptions();
            foreach (var (property, value) in settings)
            {
                if (value is null || !Accepts(property, value.GetType()))
                    throw new ArgumentException($"'{Name}' has no option {property} of type {value?.GetType().Name ?? "null"} ({OptionsType.Name}).", nameof(settings));
                // A fresh record nobody else holds, so setting its init-only properties here is safe.
                OptionsType.GetProperty(property)!.SetValue(options, value);
            }
            return normalize(options);
        }

        public override void Validate(object options) => validate(Cast(options));

        public override IFewShotLearner Create(TextEmbedder embedder, object options)
        {
            ArgumentNullException.ThrowIfNull(embedder);
            return create(embedder, Cast(options));
        }

        private TOptions Cast(object options) => options as TOptions
            ?? throw new ArgumentException($"The options of '{Name}' are a {typeof(TOptions).Name} record, not {options?.GetType().Name ?? "null"}.", nameof(options));
    }
}
