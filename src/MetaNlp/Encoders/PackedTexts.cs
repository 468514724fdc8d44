using TorchSharp;
using static TorchSharp.torch;

namespace MetaNlp.Encoders;

/// <summary>
/// The texts of a padded batch laid end to end without their padding, for <see cref="CnnEncoder"/>'s convolutions:
/// a padded batch makes every text as long as the longest, and the products over its windows cost as much for the
/// padding as for the words (HuffPost's 5-way 5-shot episodes: 150 headlines of 12 tokens on average, padded to about
/// 24). Each text keeps its first max(length, minimum) positions (a text shorter than the widest filter keeps the zero
/// padding its one window reads). The batch's rows are <see cref="Tasks"/> equal groups, one per task, and each task's
/// texts make one sequence; a task's sequence shorter than the longest is padded with zero rows at its end. A window
/// that starts in one text and runs into the next is computed but never read: <see cref="Windows"/> gathers each
/// text's windows, those that start at or before its last full window, back into the padded batch's layout.
/// </summary>
internal sealed class PackedTexts
{
    private readonly IReadOnlyList<int> _lengths;
    private readonly long[] _starts;      // where each text starts in its task's sequence
    private readonly long[] _rows;        // for each task and position of its sequence, the row of the flattened batch (or the zero row)
    private readonly int _batchLength;
    private readonly int _minimum;
    private readonly int _textsPerTask;
    private readonly bool _padded;

    /// <summary>Plans the packing of a batch of <paramref name="lengths"/>, padded to <paramref name="batchLength"/> tokens, in <paramref name="tasks"/> groups.</summary>
    /// <param name="lengths">Each text's token count (at most <paramref name="batchLength"/>).</param>
    /// <param name="batchLength">The padded batch's length (at least <paramref name="minimum"/>).</param>
    /// <param name="minimum">The positions every text keeps (the widest filter).</param>
    /// <param name="tasks">Groups of consecutive rows, each packed into its own sequence.</param>
    public PackedTexts(IReadOnlyList<int> lengths, int batchLength, int minimum, int tasks)
    {
        ArgumentNullException.ThrowIfNull(lengths);
        if (tasks < 1 || lengths.Count % tasks != 0) throw new ArgumentException($"A batch of {lengths.Count} texts cannot be split evenly into {tasks} tasks.", nameof(tasks));
        if (minimum > batchLength) throw new ArgumentException($"The batch is padded to {batchLength} tokens, under the {minimum} each text keeps.", nameof(batchLength));
        _lengths = lengths;
        _batchLength = batchLength;
        _minimum = minimum;
        _textsPerTask = lengths.Count / tasks;
        Tasks = tasks;
        _starts = new long[lengths.Count];
        var taskLengths = new long[tasks];
        for (int row = 0; row < lengths.Count; row++)
        {
            int task = row / _textsPerTask;
            _starts[row] = taskLengths[task];
            taskLengths[task] += Kept(row);
        }
        Length = taskLengths.Max();
        _padded = taskLengths.Any(n => n < Length);
        long zeroRow = (long)lengths.Count * batchLength;
        _rows = new long[tasks * Length];
        Array.Fill(_rows, zeroRow);
        for (int row = 0; row < lengths.Count; row++)
        {
            long at = row / _textsPerTask * Length + _starts[row];
            for (int t = 0; t < Kept(row); t++) _rows[at + t] = (long)row * batchLength + t;
        }
    }

    /// <summary>The groups of rows packed separately.</summary>
    public int Tasks { get; }

    /// <summary>Positions of the longest task's sequence.</summary>
    public long Length { get; }

    /// <summary>The padded batch's vectors [texts, length, dim] as the packed sequences [tasks, <see cref="Length"/>, dim].</summary>
    public Tensor Pack(Tensor embedded)
    {
        ArgumentNullException.ThrowIfNull(embedded);
        long dim = embedded.shape[2];
        var flat = embedded.reshape(embedded.shape[0] * embedded.shape[1], dim);
        if (_padded) flat = cat([flat, zeros(1, dim, dtype: flat.dtype, device: flat.device)], 0);
        using var rows = tensor(_rows, device: embedded.device);
        return flat.index_select(0, rows).view(Tasks, Length, dim);
    }

    /// <summary>
    /// The outputs [tasks, <see cref="Length"/> - width + 1, filters] of windows <paramref name="width"/> wide over the
    /// packed sequences, back in the padded batch's layout [texts, batch length - width + 1, filters]: a text's
    /// windows in order, then <paramref name="fill"/> for the windows that start after its last full window.
    /// </summary>
    public Tensor Windows(Tensor outputs, int width, Scalar fill)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        long perTask = outputs.shape[1], filters = outputs.shape[2];
        int windows = _batchLength - width + 1;
        long fillRow = Tasks * perTask;
        var index = new long[_lengths.Count * windows];
        for (int row = 0; row < _lengths.Count; row++)
        {
            long first = row / _textsPerTask * perTask + _starts[row];
            int last = Math.Max(_lengths[row] - width, 0);
            for (int t = 0; t < windows; t++) index[row * windows + t] = t <= last ? first + t : fillRow;
        }
        var rows = cat([outputs.reshape(fillRow, filters), full(1, filters, fill, dtype: outputs.dtype, device: outputs.device)], 0);
        using var indexTensor = tensor(index, device: outputs.device);
        return rows.index_select(0, indexTensor).view(_lengths.Count, windows, filters);
    }

    private int Kept(int row) => Math.Max(_lengths[row], _minimum);
}
