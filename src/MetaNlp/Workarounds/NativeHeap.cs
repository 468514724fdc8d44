using System.Runtime.InteropServices;

namespace MetaNlp.Workarounds;

/// <summary>
/// Bounds glibc heap fragmentation from LibTorch's many small native allocations (TorchSharp's Scalars and
/// tensor handles): fixed mmap and trim thresholds stop RSS from creeping up over long training loops
/// (docs/TORCHSHARP.md). A no-op off glibc.
/// </summary>
public static partial class NativeHeap
{
    private const int MTrimThreshold = -1;
    private const int MMmapThreshold = -3;
    private static int _configured;

    /// <summary>Sets the thresholds once per process. Returns whether glibc accepted them.</summary>
    public static bool Configure()
    {
        if (!OperatingSystem.IsLinux() || Interlocked.Exchange(ref _configured, 1) == 1) return false;
        try
        {
            return mallopt(MMmapThreshold, 128 * 1024) == 1 & mallopt(MTrimThreshold, 128 * 1024) == 1;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false; // musl or another libc: nothing to tune
        }
    }

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int mallopt(int param, int value);
}
