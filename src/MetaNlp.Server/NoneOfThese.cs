namespace MetaNlp.Server;

/// <summary>
/// The default threshold of "none of these": a classifier created without a threshold answers "none of these" when
/// the best label's probability is under its base model's default.
/// </summary>
public static class NoneOfThese
{
    /// <summary>
    /// The default for the pretrained MiniLM base model (<c>minilm</c>), measured on CLINC150's validation data: the
    /// threshold with the best joint accuracy over classifiers of 5 intents made from its 5-shot training set, with
    /// the validation queries of those intents and the 100 out-of-scope validation queries (docs/SERVICE.md;
    /// tests/MetaNlp.Tests/Server/DefaultThresholdTests recomputes it).
    /// </summary>
    public const double PretrainedDefault = 0.72;

    /// <summary>
    /// The default for a checkpoint base model: 0 (never "none of these"), because no threshold was measured for it;
    /// clients give one with <c>threshold</c>.
    /// </summary>
    public const double CheckpointDefault = 0;
}
