using MetaNlp.Algorithms;
using MetaNlp.Encoders;

namespace MetaNlp.Models;

/// <summary>
/// The ready-made models every command and the service name the same way (<c>--model minilm</c>): a pretrained
/// sentence encoder, frozen, with cosine prototypes. It needs no training and no file, and it is the untrained floor
/// that trained models are measured against (docs/BENCHMARKS.md).
/// </summary>
public static class PretrainedModels
{
    /// <summary>all-MiniLM-L6-v2, frozen, cosine prototypes: what scored best with no training.</summary>
    public const string MiniLm = MiniLmEncoder.KindName;

    /// <summary>The names <see cref="Create"/> knows.</summary>
    public static IReadOnlyList<string> Names { get; } = [MiniLm];

    /// <summary>Whether <paramref name="name"/> names a ready-made model (case-insensitive).</summary>
    public static bool IsName(string? name) => name is not null && Names.Contains(name, StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// A fresh copy of the ready-made model called <paramref name="name"/>, reading each support set's label texts
    /// when <paramref name="labelTexts"/> is given (<see cref="Data.LabelTexts"/>: off by default, since polarity labels
    /// such as ARSC's "positive" and "negative" hurt, while topic, intent and relation labels help; docs/BENCHMARKS.md).
    /// </summary>
    /// <exception cref="ArgumentException">No ready-made model has that name, or a label text is empty or too long.</exception>
    public static FewShotModel Create(string name, Data.LabelTexts? labelTexts = null)
    {
        if (!IsName(name)) throw new ArgumentException($"No ready-made model is called '{name}'; there is {string.Join(", ", Names)}.", nameof(name));
        var spec = FewShotModel.NewSpec(PrototypicalNetwork.Name,
            LearnerRegistry.ToJson(new PrototypicalOptions { Distance = MetricDistance.Cosine }), new EncoderOptions { Kind = MiniLmEncoder.KindName }, []);
        return FewShotModel.Create(spec with { LabelTexts = labelTexts });
    }

    /// <summary>
    /// The model a <c>--model</c> value names: a ready-made one by name (unless a file of that name exists, which
    /// wins), else the checkpoint at that path.
    /// </summary>
    /// <exception cref="FileNotFoundException">Neither a ready-made model nor a checkpoint file has that name.</exception>
    /// <exception cref="InvalidDataException">The checkpoint is damaged or not a MetaNlp checkpoint.</exception>
    public static FewShotModel Load(string nameOrPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(nameOrPath);
        if (IsName(nameOrPath) && !File.Exists(nameOrPath)) return Create(nameOrPath);
        if (!File.Exists(nameOrPath))
            throw new FileNotFoundException($"No checkpoint at '{nameOrPath}' (and no ready-made model of that name: {string.Join(", ", Names)}).", nameOrPath);
        return Checkpoint.LoadModel(nameOrPath);
    }
}
