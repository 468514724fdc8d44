using System.Text.Json;
using MetaNlp.Algorithms;

namespace MetaNlp.Api;

/// <summary>
/// A learner with its typed options, for <see cref="MetaLearnerOptions.Learner"/>: one factory per algorithm of
/// <see cref="LearnerRegistry"/>, each taking that algorithm's own options record (null: its defaults), so no
/// algorithm name or JSON is written by hand. <c>Learner.PrototypicalNetwork(new PrototypicalOptions { Distance = MetricDistance.Cosine })</c>.
/// </summary>
public sealed record Learner
{
    private Learner(string algorithm, object? options)
    {
        Algorithm = algorithm;
        Options = options;
    }

    /// <summary>The registry name the checkpoint records ("protonet", "maml", ...).</summary>
    public string Algorithm { get; }

    /// <summary>The algorithm's options record, or null for its defaults (and, for the metric of ProtoNet and k-NN, the recipe's).</summary>
    public object? Options { get; }

    /// <summary>Prototypical Network (Snell et al. 2017): class means of the sentence vectors, squared Euclidean or cosine scores.</summary>
    public static Learner PrototypicalNetwork(PrototypicalOptions? options = null) => new(Algorithms.PrototypicalNetwork.Name, options);

    /// <summary>Nearest-neighbour baseline: each query takes the label of its closest support example.</summary>
    public static Learner NearestNeighbour(NearestNeighbourOptions? options = null) => new(Algorithms.NearestNeighbour.Name, options);

    /// <summary>Matching Network (Vinyals et al. 2016): attention over the support examples, optionally with full context embeddings.</summary>
    public static Learner MatchingNetwork(MatchingOptions? options = null) => new(Algorithms.MatchingNetwork.Name, options);

    /// <summary>Siamese network: a pair loss (cosine, SetFit's, or contrastive) in training, nearest class by similarity in use.</summary>
    public static Learner SiameseNetwork(SiameseOptions? options = null) => new(Algorithms.SiameseNetwork.Name, options);

    /// <summary>Relation Network (Sung et al. 2018): a learned comparator between query and class vectors.</summary>
    public static Learner RelationNetwork(RelationOptions? options = null) => new(Algorithms.RelationNetwork.Name, options);

    /// <summary>Induction Network (Geng et al. 2019): class vectors by dynamic routing, a neural tensor relation.</summary>
    public static Learner InductionNetwork(InductionOptions? options = null) => new(Algorithms.InductionNetwork.Name, options);

    /// <summary>MAML (Finn et al. 2017): inner-loop gradient steps from meta-learned weights; second order unless <see cref="GradientLearnerOptions.FirstOrder"/>.</summary>
    public static Learner Maml(GradientLearnerOptions? options = null) =>
        new(options?.FirstOrder == true ? Algorithms.Maml.FirstOrderName : Algorithms.Maml.Name, options);

    /// <summary>ANIL (Raghu et al. 2020): MAML with only the head adapted in the inner loop.</summary>
    public static Learner Anil(GradientLearnerOptions? options = null) => new(Algorithms.Anil.Name, options);

    /// <summary>Meta-SGD (Li et al. 2017): MAML with a learned learning rate per weight.</summary>
    public static Learner MetaSgd(GradientLearnerOptions? options = null) => new(Algorithms.MetaSgd.Name, options);

    /// <summary>Reptile (Nichol et al. 2018): the outer step moves the weights toward their adapted values.</summary>
    public static Learner Reptile(GradientLearnerOptions? options = null) => new(Algorithms.Reptile.Name, options);

    /// <summary>ProtoMAML (Triantafillou et al. 2020): a head started from the prototypes, adapted by MAML's inner loop.</summary>
    public static Learner ProtoMaml(GradientLearnerOptions? options = null) => new(Algorithms.ProtoMaml.Name, options);

    /// <summary>A learned inner-loop optimizer (learned momentum update rule).</summary>
    public static Learner LearnedOptimizer(GradientLearnerOptions? options = null) => new(Algorithms.LearnedOptimizer.Name, options);

    /// <summary>
    /// Any learner of <see cref="LearnerRegistry"/> by its name, with its options record
    /// (<see cref="LearnerDescriptor.OptionsType"/>; null: its defaults): a learner added to the registry is usable
    /// here without a factory of its own.
    /// </summary>
    /// <exception cref="ArgumentException">Unknown name, or options of another record; the message names them.</exception>
    public static Learner Of(string algorithm, object? options = null)
    {
        var descriptor = LearnerRegistry.Find(algorithm);
        if (options is not null && !descriptor.OptionsType.IsInstanceOfType(options))
            throw new ArgumentException($"The options of '{algorithm}' are a {descriptor.OptionsType.Name} record, not {options.GetType().Name}.", nameof(options));
        return new(algorithm, options);
    }

    /// <summary>The options as the checkpoint's spec stores them (<see cref="Models.ModelSpec.AlgorithmOptions"/>).</summary>
    public JsonElement? ToJson() => Options is null ? null : LearnerRegistry.Find(Algorithm).ToJson(Options);

    /// <summary>Checks the options against their bounds (the record's own check, <see cref="LearnerDescriptor.Validate"/>).</summary>
    /// <exception cref="ArgumentException">A value is out of bounds; the message names it.</exception>
    public void Validate()
    {
        var descriptor = LearnerRegistry.Find(Algorithm);
        if (Options is not null) descriptor.Validate(Options);
    }
}
