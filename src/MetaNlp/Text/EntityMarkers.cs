namespace MetaNlp.Text;

/// <summary>
/// The markers written around the head and tail entities of relation-classification text (FewRel):
/// "[E1] Bill Gates [/E1] founded [E2] Microsoft [/E2]". Tokenizers keep each marker as one token.
/// </summary>
public static class EntityMarkers
{
    /// <summary>Opens the head entity.</summary>
    public const string HeadStart = "[E1]";

    /// <summary>Closes the head entity.</summary>
    public const string HeadEnd = "[/E1]";

    /// <summary>Opens the tail entity.</summary>
    public const string TailStart = "[E2]";

    /// <summary>Closes the tail entity.</summary>
    public const string TailEnd = "[/E2]";

    /// <summary>A regular expression that matches exactly the four markers (for tokenizers that must keep each whole).</summary>
    public const string Pattern = @"\[/?E[12]\]";

    /// <summary>All four markers.</summary>
    public static IReadOnlyList<string> All { get; } = [HeadStart, HeadEnd, TailStart, TailEnd];

    /// <summary>Whether <paramref name="token"/> is one of the markers.</summary>
    public static bool IsMarker(string token) => token is HeadStart or HeadEnd or TailStart or TailEnd;
}
