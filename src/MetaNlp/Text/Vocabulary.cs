namespace MetaNlp.Text;

/// <summary>
/// Token to id map. Id 0 is padding and id 1 the unknown token; the rest are ordered by descending frequency
/// in the texts the vocabulary was built from, ties in ordinal order, so the same texts give the same ids.
/// </summary>
public sealed class Vocabulary
{
    /// <summary>The padding token.</summary>
    public const string PadToken = "<pad>";

    /// <summary>The unknown token.</summary>
    public const string UnknownToken = "<unk>";

    /// <summary>Id of <see cref="PadToken"/>.</summary>
    public const int PadId = 0;

    /// <summary>Id of <see cref="UnknownToken"/>.</summary>
    public const int UnknownId = 1;

    private readonly string[] _tokens;
    private readonly Dictionary<string, int> _ids;

    /// <summary>Creates a vocabulary from its tokens in id order; the first two must be the special tokens.</summary>
    public Vocabulary(IReadOnlyList<string> tokens)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        if (tokens.Count < 2 || tokens[PadId] != PadToken || tokens[UnknownId] != UnknownToken)
            throw new ArgumentException($"A vocabulary starts with '{PadToken}' and '{UnknownToken}'.", nameof(tokens));
        _tokens = tokens.ToArray();
        _ids = new Dictionary<string, int>(_tokens.Length, StringComparer.Ordinal);
        for (int i = 0; i < _tokens.Length; i++)
        {
            if (!_ids.TryAdd(_tokens[i], i)) throw new ArgumentException($"Token '{_tokens[i]}' appears twice in the vocabulary.", nameof(tokens));
        }
    }

    /// <summary>Number of tokens including the special ones.</summary>
    public int Count => _tokens.Length;

    /// <summary>Tokens in id order.</summary>
    public IReadOnlyList<string> Tokens => _tokens;

    /// <summary>The id of a token, or <see cref="UnknownId"/>.</summary>
    public int IdOf(string token) => _ids.TryGetValue(token, out int id) ? id : UnknownId;

    /// <summary>Whether the token has its own id.</summary>
    public bool Contains(string token) => _ids.ContainsKey(token);

    /// <summary>Counts tokens and keeps those seen at least <paramref name="minFrequency"/> times, most frequent first.</summary>
    public static Vocabulary Build(IEnumerable<IEnumerable<string>> tokenizedTexts, int minFrequency = 1, int maxSize = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(tokenizedTexts);
        if (maxSize < 2) throw new ArgumentOutOfRangeException(nameof(maxSize), "A vocabulary holds at least the two special tokens.");
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var text in tokenizedTexts)
        {
            foreach (var token in text)
            {
                counts[token] = counts.TryGetValue(token, out int c) ? c + 1 : 1;
            }
        }
        var kept = counts
            .Where(kv => kv.Value >= minFrequency && kv.Key is not (PadToken or UnknownToken))
            .OrderByDescending(kv => kv.Value)
            .ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .Take(maxSize - 2)
            .Select(kv => kv.Key);
        return new Vocabulary([PadToken, UnknownToken, .. kept]);
    }
}
