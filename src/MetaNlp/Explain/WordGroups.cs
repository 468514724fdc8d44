namespace MetaNlp.Explain;

/// <summary>
/// Tokens grouped into the words a reader sees: a WordPiece continuation ("##ing") joins the word before it, and the
/// tokens a BERT tokenizer adds around the text ([CLS], [SEP]) are words of their own, marked special.
/// </summary>
internal sealed record WordGroups(IReadOnlyList<string> Texts, IReadOnlyList<bool> Special, IReadOnlyList<int> WordOf)
{
    private static readonly HashSet<string> SpecialTokens = new(StringComparer.Ordinal) { "[CLS]", "[SEP]", "[PAD]" };

    /// <summary>Groups <paramref name="tokens"/> (as <see cref="Text.ITokenizer.Tokens"/> shows them).</summary>
    public static WordGroups Of(IReadOnlyList<string> tokens)
    {
        var texts = new List<string>();
        var special = new List<bool>();
        var wordOf = new int[tokens.Count];
        for (int i = 0; i < tokens.Count; i++)
        {
            string token = tokens[i];
            bool isSpecial = SpecialTokens.Contains(token);
            if (!isSpecial && token.Length > 2 && token.StartsWith("##", StringComparison.Ordinal) && texts.Count > 0 && !special[^1])
            {
                texts[^1] += token[2..];
            }
            else
            {
                texts.Add(token);
                special.Add(isSpecial);
            }
            wordOf[i] = texts.Count - 1;
        }
        return new WordGroups(texts, special, wordOf);
    }
}
