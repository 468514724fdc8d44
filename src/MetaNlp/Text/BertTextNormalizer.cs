using System.Globalization;
using System.Reflection;
using System.Text;
using Microsoft.ML.Tokenizers;

namespace MetaNlp.Text;

/// <summary>
/// The text clean-up of BERT uncased (Google's <c>BasicTokenizer</c>, before its punctuation split): drops NUL,
/// U+FFFD and control and format characters (Cc, Cf) except tab, newline and carriage return; turns whitespace into
/// a space; lower-cases (with Greek final sigma); strips accents (NFD, then every non-spacing mark Mn dropped); puts
/// a space around every CJK ideograph.
/// </summary>
/// <remarks>
/// Microsoft.ML.Tokenizers' own BERT normalizer differs from those rules (it keeps format characters, drops
/// spacing marks, lower-cases only upper-case letters and re-composes Hangul), and it relies on
/// <see cref="string.Normalize()"/>, which does nothing when an app runs with invariant globalization (as this
/// repository's do). Accents are therefore stripped with a table of the NFD forms taken from Unicode's data
/// (Resources/accent-stripping.txt, written by Resources/make_accent_table.py), and Hangul syllables are decomposed
/// by Unicode's algorithm.
/// </remarks>
public sealed class BertTextNormalizer : Normalizer
{
    private const int HangulBase = 0xAC00, HangulCount = 11172, JamoLeadBase = 0x1100, JamoVowelBase = 0x1161, JamoTrailBase = 0x11A7;
    private const int JamoVowelCount = 21, JamoTrailCount = 28;
    private static readonly Lazy<Dictionary<int, int[]>> AccentTable = new(LoadAccentTable);

    /// <summary>The shared instance (the normalizer holds no state).</summary>
    public static BertTextNormalizer Instance { get; } = new();

    /// <inheritdoc />
    public override string Normalize(string original) => Normalize(original.AsSpan());

    /// <inheritdoc />
    public override string Normalize(ReadOnlySpan<char> original)
    {
        var table = AccentTable.Value;
        var output = new StringBuilder(original.Length + 8);
        int index = 0;
        while (index < original.Length)
        {
            var status = Rune.DecodeFromUtf16(original[index..], out var rune, out int consumed);
            int at = index;
            index += consumed;
            if (status != System.Buffers.OperationStatus.Done) continue; // an unpaired surrogate: not text
            int cp = rune.Value;
            if (cp == 0 || cp == 0xFFFD || IsControl(rune)) continue;
            if (IsWhitespace(rune))
            {
                output.Append(' ');
                continue;
            }
            var lower = cp switch
            {
                0x03A3 => FinalOrMedialSigma(original, at, consumed),
                0x0130 => new Rune('i'), // Python: "i" + U+0307, whose dot accent stripping drops; .NET's invariant casing keeps U+0130
                _ => Rune.ToLowerInvariant(rune),
            };
            AppendStripped(output, lower, table);
        }
        return output.ToString();
    }

    /// <summary>Whether a code point is a CJK ideograph, which BERT makes a word of its own.</summary>
    public static bool IsCjk(int cp) =>
        cp is (>= 0x4E00 and <= 0x9FFF) or (>= 0x3400 and <= 0x4DBF) or (>= 0x20000 and <= 0x2A6DF) or (>= 0x2A700 and <= 0x2B73F)
            or (>= 0x2B740 and <= 0x2B81F) or (>= 0x2B820 and <= 0x2CEAF) or (>= 0xF900 and <= 0xFAFF) or (>= 0x2F800 and <= 0x2FA1F);

    // Whitespace after cleaning: BERT's (space, tab, newline, carriage return, Zs) plus the line and paragraph
    // separators, which Python's str.split() in BERT's whitespace tokenizer also splits on.
    private static bool IsWhitespace(Rune rune) =>
        rune.Value is ' ' or '\t' or '\n' or '\r' || Rune.GetUnicodeCategory(rune) is UnicodeCategory.SpaceSeparator or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;

    private static bool IsControl(Rune rune) =>
        rune.Value is not ('\t' or '\n' or '\r') && Rune.GetUnicodeCategory(rune) is UnicodeCategory.Control or UnicodeCategory.Format;

    private static void AppendStripped(StringBuilder output, Rune rune, Dictionary<int, int[]> table)
    {
        int cp = rune.Value;
        if (IsCjk(cp))
        {
            output.Append(' ').Append(rune.ToString()).Append(' ');
        }
        else if (cp is >= HangulBase and < HangulBase + HangulCount)
        {
            int s = cp - HangulBase;
            output.Append((char)(JamoLeadBase + s / (JamoVowelCount * JamoTrailCount)));
            output.Append((char)(JamoVowelBase + s % (JamoVowelCount * JamoTrailCount) / JamoTrailCount));
            if (s % JamoTrailCount != 0) output.Append((char)(JamoTrailBase + s % JamoTrailCount));
        }
        else if (table.TryGetValue(cp, out var stripped))
        {
            // A decomposition's parts (a compatibility ideograph's unified form) may be CJK themselves.
            foreach (int part in stripped) AppendStripped(output, new Rune(part), table);
        }
        else if (Rune.GetUnicodeCategory(rune) != UnicodeCategory.NonSpacingMark)
        {
            output.Append(rune.ToString());
        }
    }

    // Python's str.lower(), which BERT uses, gives a capital sigma at the end of a word the final form.
    private static Rune FinalOrMedialSigma(ReadOnlySpan<char> text, int at, int length)
    {
        bool casedBefore = false;
        for (int i = at; i > 0;)
        {
            Rune.DecodeLastFromUtf16(text[..i], out var previous, out int size);
            i -= size;
            if (IsCaseIgnorable(previous)) continue;
            casedBefore = IsCased(previous);
            break;
        }
        bool casedAfter = false;
        for (int i = at + length; i < text.Length;)
        {
            Rune.DecodeFromUtf16(text[i..], out var next, out int size);
            i += size;
            if (IsCaseIgnorable(next)) continue;
            casedAfter = IsCased(next);
            break;
        }
        return new Rune(casedBefore && !casedAfter ? 0x03C2 : 0x03C3);
    }

    private static bool IsCased(Rune rune) => Rune.GetUnicodeCategory(rune) is UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter;

    private static bool IsCaseIgnorable(Rune rune) =>
        rune.Value is '\'' or '.' or ':' or '^' or '`' or 0x00B7 or 0x2018 or 0x2019 or 0x2024 or 0x2027
        || Rune.GetUnicodeCategory(rune) is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark or UnicodeCategory.Format
            or UnicodeCategory.ModifierLetter or UnicodeCategory.ModifierSymbol;

    private static Dictionary<int, int[]> LoadAccentTable()
    {
        const string name = "MetaNlp.Text.Resources.accent-stripping.txt";
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The resource '{name}' is missing from MetaNlp.dll.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var table = new Dictionary<int, int[]>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line[0] == '#') continue;
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            table[int.Parse(fields[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture)] =
                fields.Skip(1).Select(f => int.Parse(f, NumberStyles.HexNumber, CultureInfo.InvariantCulture)).ToArray();
        }
        return table;
    }
}
