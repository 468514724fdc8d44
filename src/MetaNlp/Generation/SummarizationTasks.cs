namespace MetaNlp.Generation;

/// <summary>
/// Summarization tasks: ConvoSumm's email threads (folder <c>convosumm_email</c>), one source and so one task,
/// <c>email</c>. Emails inside a thread are joined with <c>&lt;/s&gt;</c> as in the release.
/// </summary>
public static class SummarizationTasks
{
    /// <summary>
    /// ConvoSumm email for <paramref name="split"/>: <c>validation</c> (265 threads) or <c>test</c> (250 threads),
    /// ConvoSumm's own two sets (the same 515 threads as its <c>email.all</c> file).
    /// </summary>
    /// <exception cref="ArgumentException">The split is neither validation nor test.</exception>
    /// <exception cref="MetaNlp.Data.DatasetFormatException">Sources and targets differ in length or hold an empty line.</exception>
    public static GenerationTask ConvoSummEmail(string dataDir, string split)
    {
        var stem = split switch
        {
            "validation" => "email.val",
            "test" => "email.test",
            _ => throw new ArgumentException($"split '{split}' is not one of validation, test.", nameof(split)),
        };
        var dir = TranslationTasks.RequireDirectory(Path.Combine(dataDir, "convosumm_email"));
        var pairs = ParallelFiles.Read(
            Path.Combine(dir, $"{stem}.source.remove_markers_simple_separator.txt.gz"),
            Path.Combine(dir, $"{stem}.target.remove_markers_simple_separator.txt.gz"));
        return new GenerationTask("email", GenerationTaskFamily.Summarization, pairs);
    }
}
