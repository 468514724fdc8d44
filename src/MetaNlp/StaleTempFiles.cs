using System.Diagnostics;

namespace MetaNlp;

/// <summary>
/// Names of the temporary files behind atomic writes (write a sibling, then rename it over the target), and their
/// clean-up. A name carries the writing process's id, so a write killed half-way leaves a file that the next write to
/// the same target recognises as orphaned (its process is gone) and removes; a concurrent writer's file is left alone.
/// </summary>
internal static class StaleTempFiles
{
    /// <summary>A fresh temporary name beside <paramref name="target"/>: TARGET.PID.RANDOM + <paramref name="suffix"/>.</summary>
    public static string NameFor(string target, string suffix) => $"{target}.{Environment.ProcessId}.{Guid.NewGuid():N}{suffix}";

    /// <summary>Deletes the temporary files of <paramref name="target"/> left by processes that no longer run; returns how many.</summary>
    public static int Remove(string target, string suffix)
    {
        string? folder = Path.GetDirectoryName(Path.GetFullPath(target));
        if (folder is null || !Directory.Exists(folder)) return 0;
        string prefix = Path.GetFileName(target) + ".";
        int removed = 0;
        foreach (var file in Directory.EnumerateFiles(folder, prefix + "*" + suffix))
        {
            string middle = Path.GetFileName(file)[prefix.Length..^suffix.Length];
            int dot = middle.IndexOf('.', StringComparison.Ordinal);
            if (!int.TryParse(dot < 0 ? middle : middle[..dot], out int pid) || pid == Environment.ProcessId || IsRunning(pid)) continue;
            try
            {
                File.Delete(file);
                removed++;
            }
            catch (IOException)
            {
                // Another process is cleaning up too, or the file is in use: it is only clutter, never read.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
        return removed;
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
