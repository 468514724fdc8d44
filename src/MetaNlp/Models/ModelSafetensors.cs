using System.Text.Json;
using MetaNlp.Encoders;
using MetaNlp.Interop;
using TorchSharp;
using static TorchSharp.torch;

namespace MetaNlp.Models;

/// <summary>
/// A model's weights as a safetensors file, for PyTorch (<c>safetensors.torch.load_file</c>) and back
/// (docs/INTEROP.md). Every tensor of the learner's module is written (frozen pretrained weights too, unlike a
/// checkpoint), with its element type and shape. A BERT encoder's (<see cref="MiniLmEncoder"/>: kinds "minilm" and
/// "bert") are named as in Hugging Face's BertModel ("embeddings.word_embeddings.weight",
/// "encoder.layer.0.attention.self.query.weight", ...; <see cref="MiniLmEncoder.HuggingFaceName"/>), so
/// <c>BertModel.load_state_dict(tensors, strict=False)</c> takes them; every other tensor keeps its TorchSharp module
/// name (the word encoders' "encoder.conv_3.weight", a Relation Network's module, ...), as <see cref="Names"/> lists.
/// The header's metadata holds <c>format: pt</c> and the model's spec as JSON (<see cref="SpecKey"/>), so
/// <see cref="Load"/> rebuilds the model from the file alone.
/// </summary>
public static class ModelSafetensors
{
    /// <summary>Metadata key of the model's <see cref="ModelSpec"/> (JSON, as in a checkpoint's header).</summary>
    public const string SpecKey = "metanlp.spec";

    /// <summary>Each tensor of the model: its name in the module's state and its name in an exported file, in the module's order.</summary>
    public static IReadOnlyList<(string Module, string Exported)> Names(FewShotModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var module = model.Learner.Module;
        var bertPrefixes = new List<string>();
        if (module is MiniLmEncoder) bertPrefixes.Add("");
        foreach (var (name, child) in module.named_modules())
        {
            if (name.Length > 0 && child is MiniLmEncoder) bertPrefixes.Add(name + ".");
        }
        var names = new List<(string, string)>();
        foreach (string key in module.state_dict().Keys)
        {
            string? prefix = bertPrefixes.FirstOrDefault(p => key.StartsWith(p, StringComparison.Ordinal));
            names.Add((key, prefix is null ? key : MiniLmEncoder.HuggingFaceName(key[prefix.Length..])));
        }
        return names;
    }

    /// <summary>Writes every tensor of the model (<see cref="Names"/>) and its spec to a safetensors file, atomically.</summary>
    /// <param name="model">The model (trained or not).</param>
    /// <param name="path">The file to write (replaced when it exists).</param>
    public static void Export(FewShotModel model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        var state = model.Learner.Module.state_dict();
        var metadata = new Dictionary<string, string>(Safetensors.PyTorchFormat) { [SpecKey] = JsonSerializer.Serialize(model.Spec, Checkpoint.Json) };
        Safetensors.Write(path, Names(model).Select(n => new KeyValuePair<string, Tensor>(n.Exported, state[n.Module])), metadata);
    }

    /// <summary>
    /// Loads a safetensors file's weights into a model of the same spec, all or nothing: every tensor of the model must
    /// be in the file under its exported name (<see cref="Names"/>) with its shape, floating-point for a floating-point
    /// weight (F16, BF16 and F64 are converted) and finite; the file may hold no other tensor; and a pretrained weight
    /// that the spec keeps frozen must equal the model's (a checkpoint does not store frozen weights, so a changed one
    /// would be lost on saving: import such weights into a spec that fine-tunes them). The BERT encoders' vector caches
    /// are emptied.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is malformed, or a tensor is missing, extra, of another shape or type, not finite, or changes a frozen weight; the message names the file and the tensor.</exception>
    public static void Import(FewShotModel model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        var module = model.Learner.Module;
        var state = module.state_dict();
        var frozen = FrozenNames(module);
        var names = Names(model);
        using var file = SafetensorsFile.Open(path);
        var known = names.Select(n => n.Exported).ToHashSet(StringComparer.Ordinal);
        if (file.Entries.FirstOrDefault(e => !known.Contains(e.Name)) is { } extra)
            throw new InvalidDataException($"'{path}' holds the tensor '{extra.Name}', which this model does not have (weights of a model of another spec?).");
        using var scope = NewDisposeScope();
        var loaded = new List<(Tensor Target, Tensor Value)>(names.Count);
        foreach (var (name, exported) in names)
        {
            var target = state[name];
            if (!file.Contains(exported)) throw new InvalidDataException($"'{path}' has no tensor '{exported}' (the model's '{name}').");
            var entry = file.Entry(exported);
            if (!entry.Shape.SequenceEqual(target.shape))
                throw new InvalidDataException($"'{path}': the tensor '{exported}' is [{string.Join(", ", entry.Shape)}]; the model's '{name}' is [{string.Join(", ", target.shape)}].");
            string targetType = SafetensorsDType.NameOf(target.dtype);
            if (target.is_floating_point() ? !SafetensorsDType.IsFloat(entry.DType) : entry.DType != targetType)
                throw new InvalidDataException($"'{path}': the tensor '{exported}' has dtype {entry.DType}; the model's '{name}' is {targetType}.");
            var value = file.Read(exported).to_type(target.dtype);
            if (value.is_floating_point() && !isfinite(value).all().item<bool>())
                throw new InvalidDataException($"'{path}': the tensor '{exported}' holds non-finite values (NaN or infinity).");
            if (frozen.Contains(name) && !value.equal(target).all().item<bool>())
                throw new InvalidDataException($"'{path}': the tensor '{exported}' differs from the model's frozen pretrained '{name}', which a checkpoint would not keep; import it into a spec that fine-tunes it (EncoderOptions.FineTuneLayers).");
            loaded.Add((target, value));
        }
        using (no_grad())
        {
            foreach (var (target, value) in loaded) target.copy_(value);
        }
        foreach (var encoder in module.named_modules().Select(m => m.module).Append(module).OfType<MiniLmEncoder>().Distinct())
            encoder.ClearCache();
    }

    /// <summary>Rebuilds a model from a file written by <see cref="Export"/>: its spec from the metadata, then <see cref="Import"/>.</summary>
    /// <exception cref="InvalidDataException">The file has no MetaNlp spec (written by another tool: build the model from its spec and use <see cref="Import"/>), a spec out of bounds, or weights that do not fit it; the message names the file.</exception>
    public static FewShotModel Load(string path)
    {
        ModelSpec spec;
        using (var file = SafetensorsFile.Open(path))
        {
            if (!file.Metadata.TryGetValue(SpecKey, out string? json))
                throw new InvalidDataException($"'{path}' has no MetaNlp model spec in its metadata ('{SpecKey}'); build the model from its spec and use {nameof(ModelSafetensors)}.{nameof(Import)}.");
            try
            {
                spec = JsonSerializer.Deserialize<ModelSpec>(json, Checkpoint.Json) ?? throw new JsonException("the spec is null.");
                spec.Validate();
            }
            catch (Exception e) when (e is JsonException or ArgumentException)
            {
                throw new InvalidDataException($"'{path}' has a model spec that is damaged or out of bounds: {OptionBounds.MessageOf(e)}", e);
            }
        }
        var model = FewShotModel.Create(spec);
        Import(model, path);
        return model;
    }

    // The frozen pretrained weights of every encoder in the module, by state name (what a checkpoint leaves out).
    private static HashSet<string> FrozenNames(nn.Module module)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        if (module is TextEncoder own) names.UnionWith(own.PretrainedFrozenNames);
        foreach (var (name, child) in module.named_modules())
        {
            if (name.Length > 0 && child is TextEncoder encoder) names.UnionWith(encoder.PretrainedFrozenNames.Select(n => $"{name}.{n}"));
        }
        return names;
    }
}
