using MetaNlp.Data;

namespace MetaNlp.Generation;

/// <summary>Two line-aligned .gz files read as (source, target) pairs, checked for equal length and no empty side.</summary>
internal static class ParallelFiles
{
    /// <summary>Pairs line i of <paramref name="sourcePath"/> with line i of <paramref name="targetPath"/>.</summary>
    /// <exception cref="DatasetFormatException">The files differ in line count, or a line is empty (names file and line).</exception>
    public static List<GenerationPair> Read(string sourcePath, string targetPath)
    {
        var sources = GzipText.ReadLines(sourcePath);
        var targets = GzipText.ReadLines(targetPath);
        if (sources.Count != targets.Count)
            throw new DatasetFormatException(targetPath, null, null, $"{targets.Count} lines, but {sourcePath} has {sources.Count}; the files must be line-aligned.");
        var pairs = new List<GenerationPair>(sources.Count);
        for (var i = 0; i < sources.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(sources[i])) throw new DatasetFormatException(sourcePath, i + 1, null, "the line is empty.");
            if (string.IsNullOrWhiteSpace(targets[i])) throw new DatasetFormatException(targetPath, i + 1, null, "the line is empty.");
            pairs.Add(new GenerationPair(sources[i].Trim(), targets[i].Trim()));
        }
        return pairs;
    }
}
