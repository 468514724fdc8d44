using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace MetaNlp.Workarounds;

/// <summary>
/// Makes LibTorch's OpenMP worker threads sleep instead of spinning while they wait (OMP_WAIT_POLICY=PASSIVE),
/// unless the user set a policy. By default OpenMP spins at every barrier; in a .NET process the runtime's own
/// threads (JIT, GC, finalizer) take turns on the same cores, and a spinning worker whose partner is descheduled
/// stalls the whole parallel region. Measured on 2 cores, second-order MAML with 2 LibTorch threads: 0.09 tasks/s
/// spinning, 1.0 tasks/s passive (PyTorch in a Python process: 1.2). OpenMP reads the variable once, when LibTorch
/// is loaded, so this runs as the MetaNlp assembly's module initializer, before any tensor exists.
/// </summary>
public static partial class NativeThreads
{
    /// <summary>The environment variable and the value set.</summary>
    public const string WaitPolicyVariable = "OMP_WAIT_POLICY";

#pragma warning disable CA2255 // a library module initializer on purpose: it must run before LibTorch (and OpenMP) loads
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Initialize() => Configure();

    /// <summary>Sets OMP_WAIT_POLICY=PASSIVE in the native environment if it is unset. Returns whether it set it.</summary>
    public static bool Configure()
    {
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable(WaitPolicyVariable))) return false;
        Environment.SetEnvironmentVariable(WaitPolicyVariable, "PASSIVE");
        if (OperatingSystem.IsWindows()) return true; // there the managed call updates the native environment
        try
        {
            // On Unix .NET keeps its own copy of the environment; native code (OpenMP) reads libc's.
            return setenv(WaitPolicyVariable, "PASSIVE", 0) == 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    /// <summary>Most LibTorch threads <see cref="SetThreads"/> accepts.</summary>
    public const int MaxThreads = 1024;

    /// <summary>The default thread count: every core, at most <see cref="MaxThreads"/>.</summary>
    public static int DefaultThreads => Math.Min(Environment.ProcessorCount, MaxThreads);

    /// <summary>
    /// Sets LibTorch's intra-op thread count after checking it is 1 to <see cref="MaxThreads"/>: LibTorch aborts the
    /// whole process on 0 or a negative count, where this throws.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threads"/> is out of bounds.</exception>
    public static void SetThreads(int threads)
    {
        OptionBounds.Check("Threads", threads, 1, MaxThreads);
        TorchSharp.torch.set_num_threads(threads);
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int setenv(string name, string value, int overwrite);
}
