using System.Runtime.InteropServices;
using MetaNlp.Workarounds;

namespace MetaNlp.Tests.Training;

public partial class NativeThreadsTests
{
    [Fact]
    public void OpenMpSeesAWaitPolicyInTheNativeEnvironment()
    {
        if (OperatingSystem.IsWindows()) return; // there the managed environment is the native one
        NativeThreads.Configure();
        string? user = Environment.GetEnvironmentVariable(NativeThreads.WaitPolicyVariable);
        var native = getenv(NativeThreads.WaitPolicyVariable);
        Assert.NotEqual(IntPtr.Zero, native);
        Assert.Equal(user, Marshal.PtrToStringUTF8(native));
        Assert.False(NativeThreads.Configure()); // set once; a user's own value is never overwritten
    }

    [LibraryImport("libc", EntryPoint = "getenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr getenv(string name);
}
