namespace MetaNlp.Evaluation;

/// <summary>Precision, recall and F1 of one class, over the queries of a whole-test-set evaluation.</summary>
/// <param name="Label">The class.</param>
/// <param name="Precision">Of the queries predicted as this class, the share that are (0 when none was predicted).</param>
/// <param name="Recall">Of this class's queries, the share predicted as it (0 when it has none).</param>
/// <param name="F1">Harmonic mean of precision and recall (0 when both are 0).</param>
/// <param name="Support">Queries whose true class this is.</param>
public sealed record ClassScores(string Label, double Precision, double Recall, double F1, int Support);

/// <summary>
/// Counts of (true class, predicted class) over classified queries, with the per-class scores and the macro averages
/// that the all-classes protocols report next to accuracy (scikit-learn's <c>classification_report</c> conventions:
/// a class never predicted has precision 0; macro averages weigh every class with queries the same).
/// </summary>
public sealed class ConfusionMatrix
{
    private readonly Dictionary<string, int> _index;
    private readonly int[,] _counts;

    /// <summary>An empty matrix over <paramref name="labels"/> (rows: true class, columns: predicted class).</summary>
    /// <exception cref="ArgumentException">No labels, or a label twice.</exception>
    public ConfusionMatrix(IReadOnlyList<string> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.Count == 0) throw new ArgumentException("A confusion matrix needs at least one label.", nameof(labels));
        _index = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (string label in labels)
        {
            if (!_index.TryAdd(label, _index.Count)) throw new ArgumentException($"The label '{label}' is given twice.", nameof(labels));
        }
        Labels = labels;
        _counts = new int[labels.Count, labels.Count];
    }

    /// <summary>The classes, in row and column order.</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>Queries counted.</summary>
    public int Total { get; private set; }

    /// <summary>Queries of class <paramref name="truth"/> predicted as <paramref name="predicted"/>.</summary>
    public int this[string truth, string predicted] => _counts[IndexOf(truth), IndexOf(predicted)];

    /// <summary>Counts one classified query.</summary>
    /// <exception cref="ArgumentException">A label the matrix does not have.</exception>
    public void Add(string truth, string predicted)
    {
        _counts[IndexOf(truth), IndexOf(predicted)]++;
        Total++;
    }

    /// <summary>Share of queries on the diagonal.</summary>
    public double Accuracy => Total == 0 ? 0 : (double)Enumerable.Range(0, Labels.Count).Sum(i => _counts[i, i]) / Total;

    /// <summary>Precision, recall and F1 of every class, in label order.</summary>
    public IReadOnlyList<ClassScores> PerClass()
    {
        var scores = new List<ClassScores>(Labels.Count);
        for (int i = 0; i < Labels.Count; i++)
        {
            int truePositive = _counts[i, i];
            int actual = 0, predicted = 0;
            for (int j = 0; j < Labels.Count; j++)
            {
                actual += _counts[i, j];
                predicted += _counts[j, i];
            }
            double precision = predicted == 0 ? 0 : (double)truePositive / predicted;
            double recall = actual == 0 ? 0 : (double)truePositive / actual;
            double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            scores.Add(new ClassScores(Labels[i], precision, recall, f1, actual));
        }
        return scores;
    }

    /// <summary>Mean recall over the classes that have queries: balanced accuracy.</summary>
    public double MacroRecall => MacroOf(s => s.Recall);

    /// <summary>Mean precision over the classes that have queries.</summary>
    public double MacroPrecision => MacroOf(s => s.Precision);

    /// <summary>Mean F1 over the classes that have queries.</summary>
    public double MacroF1 => MacroOf(s => s.F1);

    /// <summary>The counts as rows (true class) of columns (predicted class), in label order.</summary>
    public int[][] Rows() => [.. Enumerable.Range(0, Labels.Count).Select(i => Enumerable.Range(0, Labels.Count).Select(j => _counts[i, j]).ToArray())];

    private double MacroOf(Func<ClassScores, double> score)
    {
        var present = PerClass().Where(s => s.Support > 0).ToList();
        return present.Count == 0 ? 0 : present.Average(score);
    }

    private int IndexOf(string label) => _index.TryGetValue(label, out int i) ? i : throw new ArgumentException($"'{label}' is not one of the matrix's {Labels.Count} labels.", nameof(label));
}
