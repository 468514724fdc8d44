using System.Text;

namespace MetaNlp;

/// <summary>Text files written atomically: a temporary sibling (<see cref="StaleTempFiles"/>), flushed, then renamed over the target, so a reader or a killed writer never sees half a file.</summary>
public static class AtomicFile
{
    /// <summary>Writes <paramref name="content"/> (UTF-8, no byte-order mark) to <paramref name="path"/>, creating its folder.</summary>
    public static void WriteAllText(string path, string content)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(content);
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        StaleTempFiles.Remove(full, ".tmp");
        string temp = StaleTempFiles.NameFor(full, ".tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                byte[] bytes = new UTF8Encoding(false).GetBytes(content);
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }
}
