namespace MetaNlp.Generation;

/// <summary>How BLEU treats an n-gram order with no match (sacreBLEU's <c>smooth_method</c>; Chen and Cherry 2014).</summary>
public enum BleuSmoothing
{
    /// <summary>No smoothing: a zero precision makes BLEU 0.</summary>
    None,

    /// <summary>
    /// sacreBLEU's default ("exp", NIST / mteval-v13a): the k-th order with no match gets precision
    /// 1 / (2^k · total n-grams of that order).
    /// </summary>
    Exponential,

    /// <summary>"floor": an order with no match gets precision <c>floor / total</c>.</summary>
    Floor,
}
