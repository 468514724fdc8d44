namespace MetaNlp.Evaluation;

/// <summary>How far a protocol's evaluation is, reported after each episode, batch of queries or task.</summary>
/// <param name="Stage">Which stage runs, as a short display name: <see cref="EpisodesStage"/>, <see cref="OutOfScopeStage"/> or <see cref="ArscStage"/>; a protocol with several stages reports them in order.</param>
/// <param name="Done">Units done in this stage (episodes, queries or tasks).</param>
/// <param name="Total">Units of this stage in all.</param>
/// <param name="Item">What was just done, where it has a name (an ARSC task); else null.</param>
public sealed record EvaluationProgress(string Stage, long Done, long Total, string? Item = null)
{
    /// <summary>The stage of test episodes, and of the queries of a fixed support set.</summary>
    public const string EpisodesStage = "evaluating";

    /// <summary>The out-of-scope stage (CLINC150), after the all-classes one.</summary>
    public const string OutOfScopeStage = "out of scope";

    /// <summary>ARSC's target tasks, one unit per task.</summary>
    public const string ArscStage = "ARSC tasks";
}
