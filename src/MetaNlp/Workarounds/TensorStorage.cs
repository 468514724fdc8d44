using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace MetaNlp.Workarounds;

/// <summary>
/// Whether two tensor handles read the very same memory. TorchSharp 0.107 keeps the storage's data pointer protected
/// (<c>Storage.data_ptr</c>), so this reads it from LibTorchSharp's own export, as TorchSharp does.
/// </summary>
public static partial class TensorStorage
{
    /// <summary>
    /// True when <paramref name="a"/> and <paramref name="b"/> are one handle, or views of one storage with the same
    /// offset, shape, strides, type and device (what <c>detach()</c> gives): they hold the same values now and after
    /// any in-place change. Equal values in another storage (a clone) are not the same view.
    /// </summary>
    public static bool SameView(Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Handle == b.Handle) return true;
        if (!(a.dtype == b.dtype && a.device_type == b.device_type && a.device_index == b.device_index && a.shape.SequenceEqual(b.shape)
            && a.stride().SequenceEqual(b.stride()) && a.storage_offset() == b.storage_offset()))
        {
            return false;
        }
        var pointer = DataPointer(a);
        return pointer != IntPtr.Zero && pointer == DataPointer(b);
    }

    // Zero where the export cannot be reached (a LibTorchSharp that TorchSharp loaded from a path of its own): callers
    // then see "not the same view", which costs them a recomputation and is never wrong.
    private static IntPtr DataPointer(Tensor tensor)
    {
        if (Volatile.Read(ref _unavailable)) return IntPtr.Zero;
        try
        {
            return StorageDataPointer(tensor.Handle);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            Volatile.Write(ref _unavailable, true);
            return IntPtr.Zero;
        }
    }

    private static bool _unavailable;

    [LibraryImport("LibTorchSharp", EntryPoint = "THSStorage_data_ptr")]
    private static partial IntPtr StorageDataPointer(IntPtr tensor);
}
