using MetaNlp.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace MetaNlp.Encoders;

/// <summary>
/// Each token's position relative to the head and the tail entity of a relation-classification text (Zeng et al.
/// 2014; the Proto-CNN of FewRel): the entities are found by their opening markers (<see cref="EntityMarkers"/>),
/// distances are clipped to <see cref="MaxDistance"/> either way and shifted to non-negative indices of a position
/// embedding table with <see cref="TableSize"/> rows.
/// </summary>
public sealed class EntityPositions
{
    /// <summary>Distances beyond this many tokens share one position embedding.</summary>
    public const int MaxDistance = 64;

    /// <summary>Rows of a position embedding table: distances -<see cref="MaxDistance"/> to +<see cref="MaxDistance"/>.</summary>
    public const int TableSize = 2 * MaxDistance + 1;

    private static readonly Scalar Shift = ((long)MaxDistance).ToScalar();
    private static readonly Scalar Lowest = 0L.ToScalar();
    private static readonly Scalar Highest = ((long)TableSize - 1).ToScalar();
    private static readonly Scalar IntegerOne = 1L.ToScalar(); // step and alpha on int64 tensors
    private readonly Scalar _headId;
    private readonly Scalar _tailId;

    /// <summary>Positions relative to the tokens with ids <paramref name="headMarkerId"/> and <paramref name="tailMarkerId"/>.</summary>
    public EntityPositions(int headMarkerId, int tailMarkerId)
    {
        if (headMarkerId < 0 || tailMarkerId < 0 || headMarkerId == tailMarkerId)
            throw new ArgumentException($"Entity markers need two distinct token ids; got {headMarkerId} and {tailMarkerId}.");
        HeadMarkerId = headMarkerId;
        TailMarkerId = tailMarkerId;
        _headId = ((long)headMarkerId).ToScalar();
        _tailId = ((long)tailMarkerId).ToScalar();
    }

    /// <summary>Id of the token that opens the head entity.</summary>
    public int HeadMarkerId { get; }

    /// <summary>Id of the token that opens the tail entity.</summary>
    public int TailMarkerId { get; }

    /// <summary>
    /// Table indices [batch, length] (int64) of each token's distance to the head marker and to the tail marker. A
    /// text without a marker (cut off by the maximum length) measures from its first token.
    /// </summary>
    public (Tensor Head, Tensor Tail) Indices(TokenBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        using var length = ((long)batch.Length).ToScalar();
        var steps = arange(Lowest, length, IntegerOne, dtype: int64, device: batch.Ids.device).unsqueeze(0);   // [1, T]
        return (Relative(batch.Ids, _headId, steps), Relative(batch.Ids, _tailId, steps));
    }

    private static Tensor Relative(Tensor ids, Scalar markerId, Tensor steps)
    {
        // argmax over a 0/1 row gives the first marker, or 0 when the row has none.
        var marker = ids.eq(markerId).to(ScalarType.Int32).argmax(1, keepdim: true);        // [B, 1]
        return steps.sub(marker).add(Shift, IntegerOne).clamp(Lowest, Highest);
    }
}
