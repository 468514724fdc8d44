using System.Text;

namespace MetaNlp.Generation;

/// <summary>
/// A learned byte-pair-encoding subword vocabulary (Sennrich, Haddow and Birch 2016) in the end-of-word style: a text
/// is split on whitespace, each word into characters (code points) whose last one carries
/// <see cref="EndOfWord"/>, and the learned merges are applied lowest rank first. Ids 0–3 are the special tokens;
/// then come the characters seen in training, each alone and with <see cref="EndOfWord"/> (sorted), then the symbol of each merge in merge order (a string two merges both make gets one id). A character never
/// seen in training encodes as <see cref="UnknownId"/>. Made by <see cref="BpeTrainer"/>.
/// </summary>
public sealed class BpeVocabulary
{
    /// <summary>The suffix that marks the last symbol of a word (so "est&lt;/w&gt;" and "est" are different symbols).</summary>
    public const string EndOfWord = "</w>";

    /// <summary>Padding id.</summary>
    public const int PadId = 0;

    /// <summary>Id of a character never seen in training.</summary>
    public const int UnknownId = 1;

    /// <summary>Start-of-sequence id (the decoder's first input).</summary>
    public const int BeginId = 2;

    /// <summary>End-of-sequence id.</summary>
    public const int EndId = 3;

    private static readonly string[] Specials = ["<pad>", "<unk>", "<s>", "</s>"];

    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);
    private readonly List<string> _tokens = [];
    private readonly Dictionary<(string, string), int> _ranks = [];

    /// <summary>Builds the vocabulary from its characters and merges (what <see cref="BpeTrainer"/> learned).</summary>
    /// <param name="alphabet">The initial symbols: each character alone and with <see cref="EndOfWord"/>.</param>
    /// <param name="merges">The merges in the order they were learned.</param>
    /// <param name="lowerCase">Whether texts are lower-cased before encoding.</param>
    /// <exception cref="ArgumentException">A merge repeats an earlier one.</exception>
    public BpeVocabulary(IEnumerable<string> alphabet, IReadOnlyList<(string Left, string Right)> merges, bool lowerCase)
    {
        ArgumentNullException.ThrowIfNull(alphabet);
        ArgumentNullException.ThrowIfNull(merges);
        LowerCase = lowerCase;
        foreach (var token in Specials) Add(token);
        Alphabet = [.. alphabet.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        foreach (var symbol in Alphabet) Add(symbol);
        for (var rank = 0; rank < merges.Count; rank++)
        {
            if (!_ranks.TryAdd(merges[rank], rank))
                throw new ArgumentException($"merge {rank} ({merges[rank].Left} + {merges[rank].Right}) repeats an earlier one.", nameof(merges));
            Add(merges[rank].Left + merges[rank].Right);
        }
        Merges = [.. merges];
    }

    /// <summary>The initial symbols (each character alone and with <see cref="EndOfWord"/>), sorted ordinally: with <see cref="Merges"/> and <see cref="LowerCase"/> all that rebuilds the vocabulary.</summary>
    public IReadOnlyList<string> Alphabet { get; }

    /// <summary>The merges in rank order.</summary>
    public IReadOnlyList<(string Left, string Right)> Merges { get; }

    /// <summary>Whether texts are lower-cased before encoding.</summary>
    public bool LowerCase { get; }

    /// <summary>Number of ids (special tokens, characters and merged symbols).</summary>
    public int Count => _tokens.Count;

    /// <summary>The symbol of an id.</summary>
    public string TokenOf(int id) => _tokens[id];

    /// <summary>The subword symbols of <paramref name="text"/> (a character never seen stays as itself).</summary>
    public IReadOnlyList<string> Segment(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var symbols = new List<string>();
        foreach (var word in PythonText.SplitWhitespace(LowerCase ? text.ToLowerInvariant() : text))
            symbols.AddRange(SegmentWord(word));
        return symbols;
    }

    /// <summary>The ids of <paramref name="text"/>, without begin or end tokens.</summary>
    public int[] Encode(string text) => [.. Segment(text).Select(s => _ids.GetValueOrDefault(s, UnknownId))];

    /// <summary>
    /// The text of <paramref name="ids"/>: symbols concatenated, <see cref="EndOfWord"/> read as a space; special
    /// tokens are skipped except unknown, written <c>&lt;unk&gt;</c>.
    /// </summary>
    public string Decode(IEnumerable<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var text = new StringBuilder();
        foreach (var id in ids)
        {
            if (id is PadId or BeginId or EndId) continue;
            var token = id >= 0 && id < _tokens.Count ? _tokens[id] : Specials[UnknownId];
            text.Append(token.EndsWith(EndOfWord, StringComparison.Ordinal) ? token[..^EndOfWord.Length] + " " : token);
        }
        return text.ToString().TrimEnd();
    }

    /// <summary>A word's initial symbols: its characters, the last one with <see cref="EndOfWord"/>.</summary>
    internal static List<string> Characters(string word)
    {
        var symbols = word.EnumerateRunes().Select(r => r.ToString()).ToList();
        if (symbols.Count > 0) symbols[^1] += EndOfWord;
        return symbols;
    }

    private List<string> SegmentWord(string word)
    {
        var symbols = Characters(word);
        while (symbols.Count > 1)
        {
            // The adjacent pair with the lowest merge rank is merged next, everywhere it occurs in the word.
            var best = int.MaxValue;
            for (var i = 0; i + 1 < symbols.Count; i++)
                if (_ranks.TryGetValue((symbols[i], symbols[i + 1]), out var rank) && rank < best) best = rank;
            if (best == int.MaxValue) break;
            var (left, right) = Merges[best];
            symbols = MergePair(symbols, left, right);
        }
        return symbols;
    }

    private void Add(string token)
    {
        if (_ids.TryAdd(token, _tokens.Count)) _tokens.Add(token);
    }

    /// <summary>The symbols with every adjacent (left, right), read left to right without overlaps, merged into one symbol.</summary>
    internal static List<string> MergePair(IReadOnlyList<string> symbols, string left, string right)
    {
        var merged = new List<string>(symbols.Count);
        for (var i = 0; i < symbols.Count; i++)
        {
            if (i + 1 < symbols.Count && symbols[i] == left && symbols[i + 1] == right)
            {
                merged.Add(left + right);
                i++;
            }
            else merged.Add(symbols[i]);
        }
        return merged;
    }
}
