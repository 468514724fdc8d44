using MetaNlp.Data;
using MetaNlp.Text;
using static TorchSharp.torch;

namespace MetaNlp.Algorithms;

/// <summary>The classes of a support set in order of first appearance, and each example's class index.</summary>
public sealed class SupportSet
{
    private SupportSet(IReadOnlyList<string> labels, long[] indices, IReadOnlyList<string> texts)
    {
        Labels = labels;
        LabelIndices = indices;
        Texts = texts;
    }

    /// <summary>Distinct labels in order of first appearance.</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>Class index of each example.</summary>
    public IReadOnlyList<long> LabelIndices { get; }

    /// <summary>The texts.</summary>
    public IReadOnlyList<string> Texts { get; }

    /// <summary>Indexes a support set; it needs at least two classes and no empty label.</summary>
    public static SupportSet From(IReadOnlyList<TextExample> support)
    {
        ArgumentNullException.ThrowIfNull(support);
        var labels = new List<string>();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var indices = new long[support.Count];
        for (int i = 0; i < support.Count; i++)
        {
            string label = support[i].Label;
            if (VisibleText.IsBlank(label)) throw new ArgumentException($"Support example {i + 1} has an empty label (or one without a visible character).", nameof(support));
            if (!index.TryGetValue(label, out int c))
            {
                c = labels.Count;
                index[label] = c;
                labels.Add(label);
            }
            indices[i] = c;
        }
        if (labels.Count < 2) throw new ArgumentException($"A support set needs at least two labels; it has {labels.Count}.", nameof(support));
        return new SupportSet(labels, indices, support.Select(e => e.Text).ToArray());
    }

    /// <summary>The class indices as an int64 tensor.</summary>
    public Tensor IndexTensor() => tensor(LabelIndices.ToArray());
}
