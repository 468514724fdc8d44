using MetaNlp.Algorithms;
using MetaNlp.Encoders;
using MetaNlp.Models;

namespace MetaNlp.Server;

/// <summary>
/// The base models classifiers are made from, loaded once at start (a missing or broken checkpoint stops the server
/// with an error that names the file): checkpoints, and the built-in pretrained encoder. Each model has a gate: TorchSharp work on one model runs one request at a time.
/// </summary>
public sealed class BaseModelCatalog
{
    private readonly Dictionary<string, BaseModel> _models = new(StringComparer.Ordinal);

    /// <summary>Loads every source.</summary>
    /// <param name="sources">The base models.</param>
    /// <param name="textCacheBytes">
    /// Bound on each per-text cache of a loaded MiniLM encoder (its sentence vectors, and the hidden states of its
    /// frozen bottom layers when its top layers were fine-tuned); null leaves the library's defaults.
    /// </param>
    public BaseModelCatalog(IReadOnlyList<BaseModelSource> sources, long? textCacheBytes = null)
    {
        ArgumentNullException.ThrowIfNull(sources);
        if (sources.Count == 0) throw new ArgumentException("The server needs at least one base model (--model minilm or --model NAME=CHECKPOINT).");
        foreach (var source in sources)
        {
            if (string.IsNullOrWhiteSpace(source.Name)) throw new ArgumentException($"A base model needs a name (checkpoint '{source.CheckpointPath}').");
            if (_models.ContainsKey(source.Name)) throw new ArgumentException($"Base model '{source.Name}' is given twice.");
            var model = source.CheckpointPath is null ? PretrainedModels.Create(PretrainedModels.MiniLm) : Load(source);
            model.Learner.Module.eval();
            if (textCacheBytes is { } bytes && model.Embedder.Encoder is MiniLmEncoder miniLm)
            {
                miniLm.SentenceVectors.LimitBytes = bytes;
                miniLm.HiddenStates = new HiddenStateCache(bytes, miniLm.HiddenStates.Storage);
            }
            _models.Add(source.Name, new BaseModel(source.Name, model)
            {
                DefaultThreshold = source.CheckpointPath is null ? NoneOfThese.PretrainedDefault : NoneOfThese.CheckpointDefault,
            });
        }
        DefaultName = sources[0].Name;
    }

    /// <summary>Name of the model used when a request names none.</summary>
    public string DefaultName { get; }

    /// <summary>Every model.</summary>
    public IEnumerable<BaseModel> All => _models.Values;

    /// <summary>The model called <paramref name="name"/>, or null.</summary>
    public BaseModel? Find(string name) => _models.GetValueOrDefault(name);

    private static FewShotModel Load(BaseModelSource source)
    {
        if (!File.Exists(source.CheckpointPath)) throw new FileNotFoundException($"Base model '{source.Name}': no checkpoint at '{source.CheckpointPath}'.", source.CheckpointPath);
        return Checkpoint.LoadModel(source.CheckpointPath);
    }

}

/// <summary>A loaded base model and the gate its TorchSharp work runs under.</summary>
/// <param name="Name">The name clients use.</param>
/// <param name="Model">Learner, encoder and vocabulary.</param>
public sealed record BaseModel(string Name, FewShotModel Model)
{
    /// <summary>Held for each bounded turn of work (a chunk of texts to classify or embed, one adaptation) on this model, first come first served.</summary>
    public FairGate Gate { get; } = new();

    /// <summary>The threshold of "none of these" for a classifier created without one (<see cref="NoneOfThese"/>).</summary>
    public double DefaultThreshold { get; init; }
}
