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
        return a.dtype == b.dtype && a.device_type == b.device_type && a.device_index == b.device_index && a.shape.SequenceEqual(b.shape) && a.stride().SequenceEqual(b.stride())
            && a.storage_offset() == b.storage_offset() && DataPointer(a) == DataPointer(b) && DataPointer(a) != IntPtr.Zero;
    }

    private static IntPtr DataPointer(Tensor tensor) => StorageDataPointer(tensor.Handle);

    [LibraryImport("LibTorchSharp", EntryPoint = "THSStorage_data_ptr")]
    private static partial IntPtr StorageDataPointer(IntPtr tensor);
}
