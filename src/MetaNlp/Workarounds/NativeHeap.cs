using System.Runtime.InteropServices;

namespace MetaNlp.Workarounds;

/// <summary>
/// Fixes glibc's mmap and trim thresholds (M_MMAP_THRESHOLD, M_TRIM_THRESHOLD) for what the process does, once per
/// process (the first call wins). glibc's default threshold moves with the sizes freed, and long loops crept upwards in
/// resident memory under it (docs/TORCHSHARP.md). Two settings, each measured for its workload
/// (docs/BENCHMARKS.md, "The heap thresholds"):
/// <list type="bullet">
/// <item><see cref="ConfigureForTraining"/>: 32 MiB and 64 MiB. A training step's activation tensors come from the
/// heap and their pages are reused by the next step; with 128 KiB thresholds every activation was a fresh mmap whose
/// page faults cost ProtoNet-CNN training 40% of its speed and second-order MAML 33%. Flat over 10,000 episodes.</item>
/// <item><see cref="ConfigureForServing"/>: 128 KiB each. Request threads allocate in several arenas, and under the
/// training thresholds the service's resident memory rose by 1.5 kB per new text after its caches were full (596 to
/// 755 MB over 61,440 texts); under these it stayed flat (660 to 674 MB).</item>
/// </list>
/// A user who sets glibc's malloc tunables (<c>GLIBC_TUNABLES=glibc.malloc....</c>) keeps them. A no-op off glibc.
/// </summary>
public static partial class NativeHeap
{
    /// <summary>The environment variable of glibc's tunables; a <c>glibc.malloc.</c> entry in it leaves the heap as the user set it.</summary>
    public const string TunablesVariable = "GLIBC_TUNABLES";

    /// <summary>Training's mmap threshold (bytes): allocations at least this large are mmapped on their own.</summary>
    public const int TrainingMmapThreshold = 32 * 1024 * 1024;

    /// <summary>Training's trim threshold (bytes): free memory at the heap's top beyond this is returned to the system.</summary>
    public const int TrainingTrimThreshold = 64 * 1024 * 1024;

    /// <summary>The service's mmap and trim threshold (bytes).</summary>
    public const int ServingThreshold = 128 * 1024;

    private const int MTrimThreshold = -1;
    private const int MMmapThreshold = -3;
    private static int _configured;

    /// <summary>Sets the training thresholds, unless the process already set its heap. Returns whether glibc accepted them.</summary>
    public static bool ConfigureForTraining() => Configure(TrainingMmapThreshold, TrainingTrimThreshold);

    /// <summary>Sets the service's thresholds, unless the process already set its heap. Returns whether glibc accepted them.</summary>
    public static bool ConfigureForServing() => Configure(ServingThreshold, ServingThreshold);

    private static bool Configure(int mmapThreshold, int trimThreshold)
    {
        if (!OperatingSystem.IsLinux() || Interlocked.Exchange(ref _configured, 1) == 1) return false;
        if (Environment.GetEnvironmentVariable(TunablesVariable)?.Contains("glibc.malloc.", StringComparison.Ordinal) == true) return false;
        try
        {
            return mallopt(MMmapThreshold, mmapThreshold) == 1 & mallopt(MTrimThreshold, trimThreshold) == 1;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false; // musl or another libc: nothing to tune
        }
    }

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int mallopt(int param, int value);
}
