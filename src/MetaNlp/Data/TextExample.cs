using MetaNlp.Text;

namespace MetaNlp.Data;

/// <summary>One labelled text. Optional fields carry what some datasets add (entity spans, domain).</summary>
/// <param name="Text">The text as the model reads it (FewRel texts carry entity markers, see <see cref="EntityMarkers"/>).</param>
/// <param name="Label">The class name.</param>
public sealed record TextExample(string Text, string Label)
{
    /// <summary>Head entity as a token span of the original tokenization, where the dataset has one (FewRel).</summary>
    public TokenSpan? Head { get; init; }

    /// <summary>Tail entity as a token span of the original tokenization, where the dataset has one (FewRel).</summary>
    public TokenSpan? Tail { get; init; }

    /// <summary>Domain or task the example came from, where the dataset has one (ARSC, HWU64).</summary>
    public string? Domain { get; init; }
}

