namespace MetaNlp.Data;

/// <summary>
/// A user's file of unlabelled texts for the self-supervised contrastive stage (<c>metanlp train --unlabeled-file</c>,
/// <see cref="TextDataset.Unlabeled"/>): UTF-8 text, one text per line (gzip-compressed when the name ends in .gz);
/// blank lines are skipped.
/// </summary>
public static class UnlabeledTextFile
{
    /// <summary>Reads the texts of <paramref name="path"/>, each trimmed.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist (the message names it).</exception>
    /// <exception cref="DatasetFormatException">The file is not UTF-8 text or holds no text; the message names file and line.</exception>
    public static IReadOnlyList<string> Read(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var texts = DatasetFiles.ReadLines(path, userText: true).Select(l => l.Line.Trim()).Where(t => t.Length > 0).ToArray();
        if (texts.Length == 0) throw new DatasetFormatException(path, null, null, "the file holds no text (one unlabelled text per line).");
        return texts;
    }
}
