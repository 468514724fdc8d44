namespace MetaNlp.Cluster;

/// <summary>
/// A distributed step or evaluation could not be completed: no worker was live, every worker was lost, or a worker
/// answered for other work than it was asked (refused rather than mixed in). Nothing of the failed step was applied;
/// the message says what to do.
/// </summary>
public sealed class ClusterFailedException : InvalidOperationException
{
    /// <summary>A failure described by <paramref name="message"/>.</summary>
    public ClusterFailedException(string message)
        : base(message)
    {
    }

    /// <summary>A failure described by <paramref name="message"/>, caused by <paramref name="inner"/>.</summary>
    public ClusterFailedException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>A failure with the default message.</summary>
    public ClusterFailedException()
    {
    }
}
