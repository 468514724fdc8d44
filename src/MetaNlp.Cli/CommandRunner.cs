using MetaNlp.Data;

namespace MetaNlp.Cli;

/// <summary>Runs a command body and turns expected failures into one clear line on stderr and a non-zero exit code.</summary>
internal static class CommandRunner
{
    /// <summary>Exit code for bad input (data, options, files).</summary>
    public const int BadInput = 2;

    /// <summary>Exit code for a run that could not be completed (a cluster with no worker left).</summary>
    public const int Failed = 1;

    public static int Run(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (Exception e) when (e is ArgumentException or FormatException or IOException or InvalidDataException
            or KeyNotFoundException or DatasetDownloadException or UnauthorizedAccessException or NotSupportedException)
        {
            Console.Error.WriteLine($"error: {OptionBounds.MessageOf(e)}");
            return BadInput;
        }
        catch (MetaNlp.Cluster.ClusterFailedException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return Failed;
        }
    }
}
