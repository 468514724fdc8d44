namespace MetaNlp.Text;

/// <summary>A half-open range of whitespace-separated token positions [Start, End).</summary>
public sealed record TokenSpan(int Start, int End);
