using MetaNlp.Encoders;
using MetaNlp.Interop;
using static TorchSharp.torch;

namespace MetaNlp.Tests.Interop;

/// <summary>
/// A tiny BERT written by the test itself in Hugging Face's folder layout (config.json, vocab.txt, model.safetensors
/// under BertModel's names, seeded random weights), and a plain C# forward pass of the same model in double precision,
/// written from the BERT paper and transformers' BertModel, that shares no code with the library: the reference.
/// </summary>
internal sealed class TinyBert
{
    public const int Hidden = 32, Layers = 2, Heads = 4, Intermediate = 64, Positions = 128; // 128: the tokenizer's default MaxLength
    public const double Epsilon = 1e-12;

    /// <summary>[PAD] must be id 0; the reserved tokens, then words and pieces.</summary>
    public static readonly string[] Vocabulary =
    [
        "[PAD]", "[unused0]", "[unused1]", "[unused2]", "[unused3]", "[unused4]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",
        "the", "cat", "sat", "on", "mat", "hello", "world", "my", "card", "is", "lost", "pay", "bill", "##s", "how", "do", "i",
        "reset", "password", ".", "!", "?", ",", "a", "dog", "bank", "transfer", "money", "to", "savings", "un", "##lock",
        "phone", "cafe", "open", "now", "please", "help", "me", "fast",
    ];

    private TinyBert(Dictionary<string, (long[] Shape, float[] Values)> weights) => Weights = weights;

    public Dictionary<string, (long[] Shape, float[] Values)> Weights { get; }

    public static int Id(string token) => Array.IndexOf(Vocabulary, token) is var i and >= 0 ? i : throw new ArgumentException(token);

    /// <summary>Writes the folder and returns the model's weights.</summary>
    public static TinyBert Write(string folder, int seed = 11)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "config.json"), $$"""
            {
              "architectures": ["BertModel"], "model_type": "bert", "hidden_act": "gelu", "vocab_size": {{Vocabulary.Length}},
              "hidden_size": {{Hidden}}, "num_hidden_layers": {{Layers}}, "num_attention_heads": {{Heads}}, "intermediate_size": {{Intermediate}},
              "max_position_embeddings": {{Positions}}, "type_vocab_size": 2, "layer_norm_eps": 1e-12, "hidden_dropout_prob": 0.1
            }
            """);
        File.WriteAllText(Path.Combine(folder, "vocab.txt"), string.Join('\n', Vocabulary) + "\n");
        var random = new Random(seed);
        var weights = new Dictionary<string, (long[], float[])>();
        void Add(string name, bool norm, params long[] shape)
        {
            var values = new float[shape.Aggregate(1L, (a, d) => a * d)];
            for (int i = 0; i < values.Length; i++)
                values[i] = norm && name.EndsWith(".weight", StringComparison.Ordinal) ? 1f + (float)(random.NextDouble() - 0.5) * 0.2f : (float)(random.NextDouble() - 0.5) * 0.6f;
            weights[name] = (shape, values);
        }
        Add("embeddings.word_embeddings.weight", false, Vocabulary.Length, Hidden);
        Add("embeddings.position_embeddings.weight", false, Positions, Hidden);
        Add("embeddings.token_type_embeddings.weight", false, 2, Hidden);
        Add("embeddings.LayerNorm.weight", true, Hidden);
        Add("embeddings.LayerNorm.bias", true, Hidden);
        for (int l = 0; l < Layers; l++)
        {
            string p = $"encoder.layer.{l}.";
            foreach (string linear in new[] { "attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense" })
            {
                Add($"{p}{linear}.weight", false, Hidden, Hidden);
                Add($"{p}{linear}.bias", false, Hidden);
            }
            Add($"{p}attention.output.LayerNorm.weight", true, Hidden);
            Add($"{p}attention.output.LayerNorm.bias", true, Hidden);
            Add($"{p}intermediate.dense.weight", false, Intermediate, Hidden);
            Add($"{p}intermediate.dense.bias", false, Intermediate);
            Add($"{p}output.dense.weight", false, Hidden, Intermediate);
            Add($"{p}output.dense.bias", false, Hidden);
            Add($"{p}output.LayerNorm.weight", true, Hidden);
            Add($"{p}output.LayerNorm.bias", true, Hidden);
        }
        // A pooler, as BertModel files have: read by no one here, and no error.
        Add("pooler.dense.weight", false, Hidden, Hidden);
        Add("pooler.dense.bias", false, Hidden);
        var model = new TinyBert(weights);
        model.Save(Path.Combine(folder, "model.safetensors"));
        return model;
    }

    /// <summary>Writes the weights as a safetensors file (optionally without some tensors).</summary>
    public void Save(string path, params string[] leaveOut)
    {
        using var scope = NewDisposeScope();
        Safetensors.Write(path, Weights.Where(w => !leaveOut.Contains(w.Key)).Select(w => new KeyValuePair<string, Tensor>(w.Key, tensor(w.Value.Values, w.Value.Shape))));
    }

    /// <summary>The unit-length mean of the last layer's states over the ids, in double precision.</summary>
    public double[] SentenceVector(int[] ids)
    {
        int t = ids.Length, d = Hidden;
        var x = new double[t, d];
        for (int i = 0; i < t; i++)
            for (int j = 0; j < d; j++)
                x[i, j] = W("embeddings.word_embeddings.weight")[ids[i] * d + j] + W("embeddings.position_embeddings.weight")[i * d + j] + W("embeddings.token_type_embeddings.weight")[j];
        x = LayerNorm(x, "embeddings.LayerNorm");
        for (int l = 0; l < Layers; l++)
        {
            string p = $"encoder.layer.{l}.";
            var q = Linear(x, p + "attention.self.query");
            var k = Linear(x, p + "attention.self.key");
            var v = Linear(x, p + "attention.self.value");
            int dh = d / Heads;
            var context = new double[t, d];
            for (int h = 0; h < Heads; h++)
            {
                for (int i = 0; i < t; i++)
                {
                    var scores = new double[t];
                    for (int j = 0; j < t; j++)
                    {
                        double s = 0;
                        for (int c = 0; c < dh; c++) s += q[i, h * dh + c] * k[j, h * dh + c];
                        scores[j] = s / Math.Sqrt(dh);
                    }
                    double max = scores.Max(), sum = scores.Sum(s => Math.Exp(s - max));
                    for (int j = 0; j < t; j++)
                    {
                        double a = Math.Exp(scores[j] - max) / sum;
                        for (int c = 0; c < dh; c++) context[i, h * dh + c] += a * v[j, h * dh + c];
                    }
                }
            }
            x = LayerNorm(Add(Linear(context, p + "attention.output.dense"), x), p + "attention.output.LayerNorm");
            var inner = Linear(x, p + "intermediate.dense");
            for (int i = 0; i < t; i++)
                for (int j = 0; j < Intermediate; j++)
                    inner[i, j] = 0.5 * inner[i, j] * (1 + Erf(inner[i, j] / Math.Sqrt(2)));
            x = LayerNorm(Add(Linear(inner, p + "output.dense"), x), p + "output.LayerNorm");
        }
        var mean = new double[d];
        for (int j = 0; j < d; j++)
        {
            for (int i = 0; i < t; i++) mean[j] += x[i, j] / t;
        }
        double norm = Math.Sqrt(mean.Sum(m => m * m));
        return [.. mean.Select(m => m / norm)];
    }

    private float[] W(string name) => Weights[name].Values;

    private double[,] Linear(double[,] x, string name)
    {
        var (shape, w) = Weights[name + ".weight"];
        var b = W(name + ".bias");
        int rows = x.GetLength(0), outputs = (int)shape[0], inputs = (int)shape[1];
        var y = new double[rows, outputs];
        for (int i = 0; i < rows; i++)
        {
            for (int o = 0; o < outputs; o++)
            {
                double s = b[o];
                for (int c = 0; c < inputs; c++) s += x[i, c] * w[o * inputs + c];
                y[i, o] = s;
            }
        }
        return y;
    }

    private static double[,] Add(double[,] a, double[,] b)
    {
        var y = (double[,])a.Clone();
        for (int i = 0; i < a.GetLength(0); i++)
            for (int j = 0; j < a.GetLength(1); j++)
                y[i, j] += b[i, j];
        return y;
    }

    private double[,] LayerNorm(double[,] x, string name)
    {
        var gamma = W(name + ".weight");
        var beta = W(name + ".bias");
        int rows = x.GetLength(0), d = x.GetLength(1);
        var y = new double[rows, d];
        for (int i = 0; i < rows; i++)
        {
            double mean = 0, variance = 0;
            for (int j = 0; j < d; j++) mean += x[i, j] / d;
            for (int j = 0; j < d; j++) variance += (x[i, j] - mean) * (x[i, j] - mean) / d;
            for (int j = 0; j < d; j++) y[i, j] = (x[i, j] - mean) / Math.Sqrt(variance + Epsilon) * gamma[j] + beta[j];
        }
        return y;
    }

    // erf by its Maclaurin series (|x| < 3, terms until they vanish) and its asymptotic continued fraction beyond:
    // accurate to about 1e-15 where GELU needs it.
    private static double Erf(double x)
    {
        if (Math.Abs(x) >= 3)
        {
            double z = Math.Abs(x), fraction = 0;
            for (int n = 60; n >= 1; n--) fraction = n / 2.0 / (z + fraction);
            double erfc = Math.Exp(-z * z) / Math.Sqrt(Math.PI) / (z + fraction);
            return Math.Sign(x) * (1 - erfc);
        }
        double sum = 0, term = x;
        for (int n = 0; n < 200 && Math.Abs(term) > 1e-18; n++)
        {
            sum += term / (2 * n + 1);
            term *= -x * x / (n + 1);
        }
        return 2 / Math.Sqrt(Math.PI) * sum;
    }
}
