using System.Text.RegularExpressions;

namespace MetaNlp.Text;

/// <summary>Options of <see cref="WordTokenizer"/>.</summary>
public sealed record WordTokenizerOptions
{
    /// <summary>Lower-case text before splitting.</summary>
    public bool LowerCase { get; init; } = true;

    /// <summary>Longest token sequence kept per text (<see cref="DefaultMaxLength"/> unless set).</summary>
    public int MaxLength { get; init; } = DefaultMaxLength;

    /// <summary>The <see cref="MaxLength"/> of options that set none.</summary>
    public const int DefaultMaxLength = 128;

    /// <summary>Tokens seen fewer times than this in the training texts map to the unknown id.</summary>
    public int MinFrequency { get; init; } = 1;

    /// <summary>Largest vocabulary kept (most frequent first), including the two special tokens.</summary>
    public int MaxVocabularySize { get; init; } = 100_000;

    /// <summary>Most tokens of <see cref="MaxLength"/>.</summary>
    public const int MaxLengthLimit = 8192;

    /// <summary>Most tokens of <see cref="MaxVocabularySize"/> (and of a checkpoint's vocabulary).</summary>
    public const int VocabularyLimit = 1_000_000;

    /// <summary>
    /// Checks the values against their bounds, naming the bad one: <see cref="MaxLength"/> 1 to 8,192,
    /// <see cref="MinFrequency"/> 0 to 1,000,000,000, <see cref="MaxVocabularySize"/> 2 to 1,000,000.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of bounds.</exception>
    public void Validate()
    {
        OptionBounds.Check(nameof(MaxLength), MaxLength, 1, MaxLengthLimit);
        OptionBounds.Check(nameof(MinFrequency), MinFrequency, 0, 1_000_000_000);
        OptionBounds.Check(nameof(MaxVocabularySize), MaxVocabularySize, 2, VocabularyLimit);
    }
}

/// <summary>
/// Word-level tokenizer over a <see cref="Vocabulary"/>. By default (<see cref="Split"/>) words (letters, digits,
/// marks, underscore) and single punctuation marks become tokens; each CJK ideograph is its own token, so Chinese
/// text needs no spaces; entity markers (<see cref="EntityMarkers"/>) stay whole. Another <see cref="ITextSegmenter"/>
/// (jieba words, characters) can cut the texts instead.
/// </summary>
public sealed partial class WordTokenizer : ITokenizer
{
    /// <summary>Creates a tokenizer over an existing vocabulary; <paramref name="segmenter"/> must be the one the vocabulary was fitted with (default <see cref="WordSegmenter"/>).</summary>
    public WordTokenizer(Vocabulary vocabulary, WordTokenizerOptions? options = null, ITextSegmenter? segmenter = null)
    {
        Vocabulary = vocabulary ?? throw new ArgumentNullException(nameof(vocabulary));
        Options = options ?? new WordTokenizerOptions();
        Segmenter = segmenter ?? WordSegmenter.Instance;
        if (Options.MaxLength < 1) throw new ArgumentOutOfRangeException(nameof(options), "MaxLength must be at least 1.");
    }

    /// <summary>The vocabulary the ids come from.</summary>
    public Vocabulary Vocabulary { get; }

    /// <summary>The options the tokenizer was built with.</summary>
    public WordTokenizerOptions Options { get; }

    /// <summary>How texts are cut into tokens (<see cref="TextSegmenters"/>).</summary>
    public ITextSegmenter Segmenter { get; }

    /// <inheritdoc />
    public int VocabularySize => Vocabulary.Count;

    /// <inheritdoc />
    public int MaxLength => Options.MaxLength;

    /// <summary>The marker's word id: the word tokenizer keeps markers whole, so a vocabulary fitted on marked texts has them.</summary>
    public int? MarkerId(string marker) => Vocabulary.Contains(marker) ? Vocabulary.IdOf(marker) : null;

    /// <inheritdoc />
    public string MarkerIdMissing(string marker) =>
        $"texts that mark their entities with {string.Join(" ", EntityMarkers.All)} (FewRel); the training texts have no {marker}.";

    /// <summary>Builds the vocabulary from <paramref name="trainingTexts"/> (the meta-training classes only).</summary>
    public static WordTokenizer Fit(IEnumerable<string> trainingTexts, WordTokenizerOptions? options = null, ITextSegmenter? segmenter = null)
    {
        options ??= new WordTokenizerOptions();
        segmenter ??= WordSegmenter.Instance;
        var tokens = trainingTexts.Select(t => segmenter.Split(t, options.LowerCase));
        return new WordTokenizer(Vocabulary.Build(tokens, options.MinFrequency, options.MaxVocabularySize), options, segmenter);
    }

    /// <summary>Splits a text into word tokens (no vocabulary lookup, no truncation).</summary>
    public static IReadOnlyList<string> Split(string text, bool lowerCase = true)
    {
        ArgumentNullException.ThrowIfNull(text);
        var result = new List<string>();
        foreach (Match m in TokenPattern().Matches(text))
        {
            string token = m.Value;
            result.Add(lowerCase && !EntityMarkers.IsMarker(token) ? token.ToLowerInvariant() : token);
        }
        return result;
    }

    /// <inheritdoc />
    public int[] Encode(string text)
    {
        var tokens = Segmenter.Split(text, Options.LowerCase);
        int n = Math.Min(tokens.Count, Options.MaxLength);
        var ids = new int[n];
        for (int i = 0; i < n; i++) ids[i] = Vocabulary.IdOf(tokens[i]);
        return ids;
    }

    /// <summary>The words <see cref="Encode"/> reads (cut and lower-cased as it does, truncated the same way); a word outside the vocabulary is read as &lt;unk&gt; but shown as written.</summary>
    public IReadOnlyList<string> Tokens(string text)
    {
        var tokens = Segmenter.Split(text, Options.LowerCase);
        return tokens.Count <= Options.MaxLength ? tokens : [.. tokens.Take(Options.MaxLength)];
    }

    // Markers first, then one CJK ideograph, then a run of word characters without CJK, then one other
    // non-space character.
    [GeneratedRegex(EntityMarkers.Pattern + @"|[\p{IsCJKUnifiedIdeographs}\p{IsCJKUnifiedIdeographsExtensionA}\p{IsCJKCompatibilityIdeographs}]|(?:(?![\p{IsCJKUnifiedIdeographs}\p{IsCJKUnifiedIdeographsExtensionA}\p{IsCJKCompatibilityIdeographs}])[\w\p{M}])+|[^\s\w]", RegexOptions.CultureInvariant)]
    private static partial Regex TokenPattern();
}
