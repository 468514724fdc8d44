using System.Runtime.CompilerServices;

namespace MetaNlp.Tests;

/// <summary>Runs before any test touches LibTorch, so OpenMP starts with MetaNlp's wait policy (see NativeThreads).</summary>
internal static class NativeSetup
{
    [ModuleInitializer]
    internal static void Initialize() => MetaNlp.Workarounds.NativeThreads.Configure();
}
