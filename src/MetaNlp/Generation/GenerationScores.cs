namespace MetaNlp.Generation;

/// <summary>
/// Scores of decoded outputs against the references of a task's test pairs (0–100 each). Every family gets corpus
/// BLEU and chrF; dialogue-act-to-text adds the slot error rate, summarization ROUGE F1.
/// </summary>
/// <param name="Count">Test pairs scored.</param>
/// <param name="Bleu">Corpus BLEU (sacreBLEU defaults, 13a).</param>
/// <param name="ChrF">Corpus chrF2 (sacreBLEU defaults).</param>
/// <param name="LowerCased">True when the references were lower-cased before scoring because the model's vocabulary lower-cases every text (its outputs cannot carry case); sacreBLEU's <c>-lc</c>.</param>
/// <param name="SlotErrorRate">Slot error rate in percent (NLG only; <see cref="Generation.SlotErrorRate"/>).</param>
/// <param name="Rouge1">Mean ROUGE-1 F1 (summarization only).</param>
/// <param name="Rouge2">Mean ROUGE-2 F1 (summarization only).</param>
/// <param name="RougeL">Mean ROUGE-L F1 (summarization only).</param>
public sealed record GenerationScores(int Count, double Bleu, double ChrF, bool LowerCased, double? SlotErrorRate, double? Rouge1, double? Rouge2, double? RougeL);
