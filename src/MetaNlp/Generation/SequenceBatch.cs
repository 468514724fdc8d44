using static TorchSharp.torch;

namespace MetaNlp.Generation;

/// <summary>Padded id tensors for <see cref="Seq2SeqTransformer"/>, and the teacher-forcing pair of a target.</summary>
public static class SequenceBatch
{
    /// <summary>[count, longest] int64 ids, right-padded with <see cref="BpeVocabulary.PadId"/>.</summary>
    /// <exception cref="ArgumentException">No sequence, or an empty one.</exception>
    public static Tensor Pad(IReadOnlyList<int[]> sequences, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        if (sequences.Count == 0) throw new ArgumentException("A batch needs at least one sequence.", nameof(sequences));
        if (sequences.Any(s => s.Length == 0)) throw new ArgumentException("A sequence is empty.", nameof(sequences));
        var longest = sequences.Max(s => s.Length);
        var values = new long[sequences.Count * longest];
        for (var i = 0; i < sequences.Count; i++)
            for (var j = 0; j < sequences[i].Length; j++) values[i * longest + j] = sequences[i][j];
        return tensor(values, [sequences.Count, longest], device: device);
    }

    /// <summary>Teacher forcing: decoder input (begin id, then the target) and expected output (the target, then the end id).</summary>
    public static (Tensor Input, Tensor Output) TeacherForcing(IReadOnlyList<int[]> targets, int maxLength, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(targets);
        var clipped = targets.Select(t => t.Take(maxLength - 1).ToArray()).ToList();
        return (Pad([.. clipped.Select(t => (int[])[BpeVocabulary.BeginId, .. t])], device),
                Pad([.. clipped.Select(t => (int[])[.. t, BpeVocabulary.EndId])], device));
    }
}
