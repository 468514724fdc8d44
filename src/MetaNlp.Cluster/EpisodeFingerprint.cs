using System.Security.Cryptography;
using System.Text;
using MetaNlp.Data;

namespace MetaNlp.Cluster;

/// <summary>
/// A digest of some episodes' texts and labels (SHA-256, hex): two processes whose episode sources give the same
/// digest for an evaluation's first and last episode read the same data with the same sampler, so a worker whose data
/// folder holds other data, or another version of it, is refused instead of scoring other episodes.
/// </summary>
public static class EpisodeFingerprint
{
    /// <summary>The digest of episodes <paramref name="indices"/> of <paramref name="episodes"/>, in that order.</summary>
    public static string Of(IEpisodeSource episodes, IEnumerable<long> indices)
    {
        ArgumentNullException.ThrowIfNull(episodes);
        ArgumentNullException.ThrowIfNull(indices);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (long index in indices)
        {
            var episode = episodes.Sample(index);
            Append(hash, $"episode {index}");
            foreach (var example in episode.Support) Append(hash, "s", example.Label, example.Text);
            foreach (var example in episode.Query) Append(hash, "q", example.Label, example.Text);
        }
        return Convert.ToHexString(hash.GetHashAndReset());
    }

    /// <summary>The digest an evaluation of <paramref name="count"/> episodes is checked by: its first and last episode.</summary>
    public static string OfEvaluation(IEpisodeSource episodes, int count) => Of(episodes, count > 1 ? [0, count - 1] : [0]);

    // Each field length-prefixed, so no two different sequences of fields hash the same bytes.
    private static void Append(IncrementalHash hash, params string[] fields)
    {
        foreach (var field in fields)
        {
            byte[] bytes = Encoding.UTF8.GetBytes(field);
            hash.AppendData(BitConverter.GetBytes(bytes.Length));
            hash.AppendData(bytes);
        }
    }
}
