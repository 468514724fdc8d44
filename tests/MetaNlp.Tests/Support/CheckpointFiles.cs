using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using MetaNlp.Algorithms;
using MetaNlp.Encoders;
using MetaNlp.Models;
using static TorchSharp.torch;

namespace MetaNlp.Tests.Checkpoints;

/// <summary>Small checkpoints and the ways tests damage them: overwritten bytes, edited headers, the format without a checksum.</summary>
internal static class CheckpointFiles
{
    private const string Magic = "METANLP-CKPT-2";
    private const string MagicWithoutChecksum = "METANLP-CKPT-1";

    /// <summary>A freshly initialised small CNN prototypical network over the toy data's words.</summary>
    public static FewShotModel SmallModel(int seed = 5)
    {
        manual_seed(seed);
        var spec = FewShotModel.NewSpec(PrototypicalNetwork.Name, null, new EncoderOptions { Kind = "cnn", EmbeddingDim = 16, Filters = 8 },
            ToyData.Examples(classes: 12, perClass: 12).Select(e => e.Text));
        return FewShotModel.Create(spec);
    }

    /// <summary>Writes <see cref="SmallModel"/> to <paramref name="path"/> and returns the path.</summary>
    public static string SaveSmallModel(string path)
    {
        Checkpoint.SaveModel(path, SmallModel());
        return path;
    }

    /// <summary>Overwrites <paramref name="count"/> bytes in the middle of the file with seeded random bytes (none equal to the old ones).</summary>
    public static void Overwrite(string path, int count, int seed = 7)
    {
        var bytes = File.ReadAllBytes(path);
        int start = Math.Max(0, bytes.Length / 2 - count / 2);
        var random = new Random(seed);
        for (int i = start; i < Math.Min(bytes.Length, start + count); i++) bytes[i] = (byte)(bytes[i] ^ random.Next(1, 256));
        File.WriteAllBytes(path, bytes);
    }

    /// <summary>
    /// Rewrites a checkpoint with its JSON header changed by <paramref name="edit"/>: with a correct checksum (as a
    /// hand-made or hostile file would have), or in the format written before checksums.
    /// </summary>
    public static void EditHeader(string path, Action<JsonObject> edit, bool withChecksum = true)
    {
        var (header, body) = Split(path);
        var json = JsonNode.Parse(header)!.AsObject();
        edit(json);
        Write(path, json.ToJsonString(), body, withChecksum);
    }

    /// <summary>Rewrites a checkpoint in the format written before checksums (METANLP-CKPT-1, no trailer).</summary>
    public static void RemoveChecksum(string path)
    {
        var (header, body) = Split(path);
        Write(path, header, body, withChecksum: false);
    }

    // The header and what follows it up to the checksum.
    private static (string Header, byte[] Body) Split(string path)
    {
        using var stream = File.OpenRead(path);
        using var reader = new BinaryReader(stream, Encoding.UTF8);
        string magic = reader.ReadString();
        Assert.Contains(magic, new[] { Magic, MagicWithoutChecksum });
        string header = reader.ReadString();
        long end = magic == Magic ? stream.Length - SHA256.HashSizeInBytes : stream.Length;
        return (header, reader.ReadBytes((int)(end - stream.Position)));
    }

    private static void Write(string path, string header, byte[] body, bool withChecksum)
    {
        using var memory = new MemoryStream();
        using (var writer = new BinaryWriter(memory, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(withChecksum ? Magic : MagicWithoutChecksum);
            writer.Write(header);
            writer.Write(body);
        }
        if (withChecksum) memory.Write(SHA256.HashData(memory.ToArray()));
        File.WriteAllBytes(path, memory.ToArray());
    }
}
