namespace MetaNlp.Data;

/// <summary>
/// Which column (CSV) or field (JSON lines) holds the text and which holds the label. With the defaults
/// ("text", "label"), a file lacking them may use "sentence"/"utterance" for the text and
/// "category"/"intent" for the label instead.
/// </summary>
public sealed record DatasetColumns
{
    /// <summary>The default text column name.</summary>
    public const string DefaultText = "text";

    /// <summary>The default label column name.</summary>
    public const string DefaultLabel = "label";

    /// <summary>Text column or field name.</summary>
    public string Text { get; init; } = DefaultText;

    /// <summary>Label column or field name.</summary>
    public string Label { get; init; } = DefaultLabel;

    /// <summary>The defaults: "text" and "label", with fallbacks.</summary>
    public static DatasetColumns Default { get; } = new();

    internal IReadOnlyList<string> TextCandidates =>
        Text == DefaultText ? [DefaultText, "sentence", "utterance"] : [Text];

    internal IReadOnlyList<string> LabelCandidates =>
        Label == DefaultLabel ? [DefaultLabel, "category", "intent"] : [Label];
}
