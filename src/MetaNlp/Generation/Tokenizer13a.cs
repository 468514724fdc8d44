using System.Text.RegularExpressions;

namespace MetaNlp.Generation;

/// <summary>
/// sacreBLEU's default BLEU tokenisation, "13a" (the one of mteval-v13a.pl used by WMT): drops <c>&lt;skipped&gt;</c>,
/// joins lines, unescapes four XML entities, then splits off ASCII punctuation and symbols, splits periods and commas
/// unless they sit between digits, splits a dash after a digit, and collapses whitespace. Written from sacreBLEU 2.x's
/// description and checked against its test values (tests/MetaNlp.Tests/Generation).
/// </summary>
public static partial class Tokenizer13a
{
    /// <summary>The tokens of <paramref name="line"/> joined by single spaces (sacreBLEU's output form).</summary>
    public static string Tokenize(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var text = line.Replace("<skipped>", "", StringComparison.Ordinal)
            .Replace("-\n", "", StringComparison.Ordinal)
            .Replace("\n", " ", StringComparison.Ordinal);
        if (text.Contains('&', StringComparison.Ordinal))
            text = text.Replace("&quot;", "\"", StringComparison.Ordinal).Replace("&amp;", "&", StringComparison.Ordinal)
                .Replace("&lt;", "<", StringComparison.Ordinal).Replace("&gt;", ">", StringComparison.Ordinal);
        text = " " + text + " ";
        text = Symbols().Replace(text, " $1 ");
        text = PeriodCommaAfterNonDigit().Replace(text, "$1 $2 ");
        text = PeriodCommaBeforeNonDigit().Replace(text, " $1 $2");
        text = DashAfterDigit().Replace(text, "$1 $2 ");
        return string.Join(' ', PythonText.SplitWhitespace(text));
    }

    /// <summary>The tokens of <paramref name="line"/>.</summary>
    public static string[] Split(string line) => PythonText.SplitWhitespace(Tokenize(line));

    // The ASCII ranges { | } ~, [ \ ] ^ _ `, space to &, ( to +, : to @, and /: every ASCII symbol except
    // - ' . , which have their own rules (or none).
    [GeneratedRegex(@"([\{-\~\[-\` -\&\(-\+\:-\@\/])", RegexOptions.CultureInvariant)]
    private static partial Regex Symbols();

    [GeneratedRegex(@"([^0-9])([\.,])", RegexOptions.CultureInvariant)]
    private static partial Regex PeriodCommaAfterNonDigit();

    [GeneratedRegex(@"([\.,])([^0-9])", RegexOptions.CultureInvariant)]
    private static partial Regex PeriodCommaBeforeNonDigit();

    [GeneratedRegex(@"([0-9])(-)", RegexOptions.CultureInvariant)]
    private static partial Regex DashAfterDigit();
}
