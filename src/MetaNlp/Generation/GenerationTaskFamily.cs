namespace MetaNlp.Generation;

/// <summary>The kinds of generation task (issue 23): what one task of a family is.</summary>
public enum GenerationTaskFamily
{
    /// <summary>A language pair (Tatoeba, NTREX-128): sentence in one language → its translation.</summary>
    Translation,

    /// <summary>A dialogue domain (FewShotWOZ, FewShotSGD, RNNLG): dialogue act → system utterance.</summary>
    Nlg,

    /// <summary>A summarization source (ConvoSumm email threads): thread → abstractive summary.</summary>
    Summarization,
}
