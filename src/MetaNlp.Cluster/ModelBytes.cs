using MetaNlp.Models;

namespace MetaNlp.Cluster;

/// <summary>A model as the bytes of its checkpoint file (<see cref="Checkpoint"/>), the form in which it travels to workers.</summary>
public static class ModelBytes
{
    /// <summary>The bytes of <paramref name="model"/>'s checkpoint file.</summary>
    public static byte[] Of(FewShotModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        string path = TemporaryPath();
        try
        {
            Checkpoint.SaveModel(path, model);
            return File.ReadAllBytes(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>The model whose checkpoint file <paramref name="bytes"/> hold.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a whole checkpoint (Checkpoint's own checks).</exception>
    public static FewShotModel Read(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        string path = TemporaryPath();
        try
        {
            File.WriteAllBytes(path, bytes);
            return Checkpoint.LoadModel(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    // Checkpoints are read and written as files; each transfer gets its own.
    private static string TemporaryPath() => Path.Combine(Path.GetTempPath(), $"metanlp-cluster-{Environment.ProcessId}-{Guid.NewGuid():N}.ckpt");
}
