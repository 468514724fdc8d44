using MetaNlp.Text;

namespace MetaNlp.Tests.Text;

public class BertTokenizerTests
{
    private static readonly Dictionary<int, BertWordPieceTokenizer> Tokenizers = [];

    // Expected ids from an independent Python implementation of BERT uncased's BasicTokenizer + WordpieceTokenizer
    // rules (Google's tokenization.py), run once on the package's vocab.txt:
    //     python3 tests/MetaNlp.Tests/Reference/bert_wordpiece_reference.py
    // prints these lines; keep its CASES in step with this list.
    private static readonly Case[] Cases =
    [
        new("Hello, world!", 128, [101, 7592, 1010, 2088, 999, 102]),
        new("Caf\u00e9 cr\u00e8me br\u00fbl\u00e9e \u2014 na\u00efve r\u00e9sum\u00e9", 128, [101, 7668, 13675, 21382, 7987, 9307, 2063, 1517, 15743, 13746, 102]),
        new("\u201cCurly quotes\u201d and \u2018single\u2019 ones\u2026 \u2013 en dash", 128, [101, 1523, 17546, 16614, 1524, 1998, 1520, 2309, 1521, 3924, 1529, 1516, 4372, 11454, 102]),
        new("\u00c0\u00c9\u00ce\u00d5\u00dc \u00c5NGSTR\u00d6M \u01c4emal \u01c5", 128, [101, 29347, 3695, 2226, 17076, 15687, 100, 100, 102]),
        new("\u4e2d\u6587\u5b57\u7b26\u548c\u65e5\u672c\u8a9e\u306e\u30c6\u30ad\u30b9\u30c8\u3001\ud55c\uad6d\uc5b4 \ud14d\uc2a4\ud2b8", 128, [101, 1746, 1861, 100, 100, 1796, 1864, 1876, 1950, 1671, 30239, 30227, 30233, 30240, 1635, 1469, 30006, 30021, 29991, 30014, 30020, 29999, 30008, 1467, 30009, 30020, 29997, 30017, 30003, 30017, 102]),
        new("Emoji \U0001f600\U0001f44d\U0001f3fd and \u2764\ufe0f hearts \U0001f468\u200d\U0001f469\u200d\U0001f467", 128, [101, 7861, 29147, 2072, 100, 1998, 100, 8072, 100, 102]),
        new("", 128, [101, 102]),
        new("   \u0009\u000a  ", 128, [101, 102]),
        new("$100 + 20% = \u20ac120; a<b>c ^_^ `code` | ~tilde", 128, [101, 1002, 2531, 1009, 2322, 1003, 1027, 1574, 12521, 2692, 1025, 1037, 1026, 1038, 1028, 1039, 1034, 1035, 1034, 1036, 3642, 1036, 1064, 1066, 18681, 3207, 102]),
        new("foo_bar baz-qux e-mail@example.com http://x.org/a?b=c#d", 128, [101, 29379, 1035, 3347, 8670, 2480, 1011, 24209, 2595, 1041, 1011, 5653, 1030, 2742, 1012, 4012, 8299, 1024, 1013, 1013, 1060, 1012, 8917, 1013, 1037, 1029, 1038, 1027, 1039, 1001, 1040, 102]),
        new("w2 \u20ac1 3.14 1,000,000 12:30pm 2nd", 128, [101, 1059, 2475, 1574, 2487, 1017, 1012, 2403, 1015, 1010, 2199, 1010, 2199, 2260, 1024, 2382, 9737, 3416, 102]),
        new("soft\u00adhyphen zero\u200bwidth bom\ufeff nbsp\u00a0here", 128, [101, 3730, 10536, 8458, 2368, 5717, 9148, 11927, 2232, 8945, 2213, 1050, 5910, 2361, 2182, 102]),
        new("\u039f\u0394\u039f\u03a3 \u03a3\u039f\u03a6\u0399\u0391\u03a3 \u0395\u03bb\u03bb\u03b7\u03bd\u03b9\u03ba\u03ac \u0438 \u0440\u0443\u0441\u0441\u043a\u0438\u0439 \u0442\u0435\u043a\u0441\u0442, \u0439\u043e\u0433\u0443\u0440\u0442", 128, [101, 1169, 29722, 15297, 1173, 29730, 29736, 27432, 19579, 1159, 29727, 29727, 24824, 16177, 18199, 29726, 14608, 1188, 1195, 29748, 29747, 29747, 23925, 15414, 1197, 15290, 23925, 29747, 22919, 1010, 1188, 14150, 29741, 29748, 16856, 22919, 102]),
        new("\u0130stanbul \u017f \ufb01 \u00df \u1e9e", 128, [101, 9960, 100, 1984, 1096, 1096, 102]),
        new("\u212bngstr\u00f6m \u2103 \u2126 \u212a", 128, [101, 17076, 15687, 100, 1179, 1047, 102]),
        new("[CLS] [SEP] [UNK] [MASK] ##ing", 128, [101, 1031, 18856, 2015, 1033, 1031, 19802, 1033, 1031, 4895, 2243, 1033, 1031, 7308, 1033, 1001, 1001, 13749, 102]),
        new(string.Concat(Enumerable.Repeat("supercalifragilisticexpialidocious ", 40)), 16, [101, 3565, 9289, 10128, 29181, 24411, 4588, 10288, 19312, 21273, 10085, 6313, 3565, 9289, 10128, 102]),
        new(new string('a', 101) + " " + new string('b', 100), 128, [101, 100, 22861, 10322, 10322, 10322, 10322, 10322, 10322, 10322, 10322, 10322, 10322, 10322, 10322, 10322, 10322, 10322, 10322, 10322, 10322, 10322, 10322, 10322, 10322, 10322, 10322, 10322, 10322, 10322, 10322, 10322, 10322, 10322, 10322, 10322, 10322, 10322, 10322, 10322, 10322, 10322, 10322, 10322, 10322, 10322, 10322, 10322, 10322, 10322, 10322, 10322, 102]),
        new("tab\u0009sep\u000dcarriage\u000anewline\u2028line\u2029para\u0085nel\u001fus", 128, [101, 21628, 19802, 9118, 2047, 4179, 2240, 11498, 11877, 2271, 102]),
        new("\u0939\u093f\u0928\u094d\u0926\u0940 \u0e20\u0e32\u0e29\u0e32\u0e44\u0e17\u0e22 \u0645\u064e\u0631\u0652\u062d\u064e\u0628\u064b\u0627 \u0627\u0644\u0639\u0631\u0628\u064a\u0629", 128, [101, 1339, 29877, 29863, 29861, 29878, 100, 1295, 17149, 29820, 29816, 25573, 1270, 23673, 29830, 17149, 29816, 14498, 19433, 102]),
        new("e\u0301 Z\u0336 cafe\u0301", 128, [101, 1041, 1062, 7668, 102]),
        new("DON'T Stop\u2014Believing!!! ...?", 128, [101, 2123, 1005, 1056, 2644, 1517, 8929, 999, 999, 999, 1012, 1012, 1012, 1029, 102]),
        new("private \ue000 use", 128, [101, 2797, 100, 2224, 102]),
        new("U.S.A. Mr. O'Neil's 90's", 128, [101, 1057, 1012, 1055, 1012, 1037, 1012, 2720, 1012, 1051, 1005, 6606, 1005, 1055, 3938, 1005, 1055, 102]),
        new("MetaNLP v2.0-beta (2024) \u2014 \u201cfew-shot\u201d learning\u2122 \u00ae\u00a9", 128, [101, 18804, 20554, 2361, 1058, 2475, 1012, 1014, 1011, 8247, 1006, 16798, 2549, 1007, 1517, 1523, 2261, 1011, 2915, 1524, 4083, 30108, 1079, 29652, 102]),
        new("The quick brown fox jumps over the lazy dog, and then some more words follow here.", 12, [101, 1996, 4248, 2829, 4419, 14523, 2058, 1996, 13971, 3899, 1010, 102]),
    ];

    public static TheoryData<int> CaseIndices => [.. Enumerable.Range(0, Cases.Length)];

    [Theory]
    [MemberData(nameof(CaseIndices))]
    public void IdsEqualTheReferenceWordPiece(int index)
    {
        var (text, maxLength, expected) = Cases[index];
        Assert.Equal(expected, Tokenizer(maxLength).Encode(text));
    }

    [Fact]
    public void TheVocabularyIsReadWithoutCarriageReturns()
    {
        var tokenizer = Tokenizer(128);
        Assert.Equal(30522, tokenizer.VocabularySize);
        Assert.Equal(7592, tokenizer.IdOf("hello"));
        Assert.Equal(102, tokenizer.IdOf("[SEP]"));
        Assert.Equal(101, tokenizer.ClassificationId);
        Assert.Equal(100, tokenizer.UnknownId);
        Assert.NotNull(tokenizer.IdOf("##ing"));
        Assert.Null(tokenizer.IdOf("hello\r"));
    }

    [Fact]
    public void ALongTextIsCutToMaxLengthAndStillEndsWithSep()
    {
        var tokenizer = Tokenizer(16);
        string text = string.Join(' ', Enumerable.Repeat("unbelievable tokenization", 50));
        var ids = tokenizer.Encode(text);
        Assert.Equal(16, ids.Length);
        Assert.Equal(tokenizer.ClassificationId, ids[0]);
        Assert.Equal(tokenizer.SeparatorId, ids[^1]);
        Assert.Equal(Tokenizer(512).Encode(text)[..15], ids[..15]); // the first pieces, a word's pieces cut where the room ends
    }

    [Fact]
    public void EntityMarkersCanBeOneReservedTokenEachWithTheTextBetweenThemUnchanged()
    {
        var plain = Tokenizer(128);
        var marked = plain.WithEntityMarkerTokens();
        Assert.False(plain.EntityMarkerTokens);
        Assert.True(marked.EntityMarkerTokens);
        const string text = "[E1] Bill Gates [/E1] founded[E2]Microsoft[/E2].";
        // [unused1] to [unused4] are ids 2 to 5 of BERT uncased's vocab.txt.
        int[] expected = [101, 2, .. Pieces(plain, "Bill Gates"), 3, .. Pieces(plain, "founded"), 4, .. Pieces(plain, "Microsoft"), 5, .. Pieces(plain, "."), 102];
        Assert.Equal(expected, marked.Encode(text));
        Assert.Equal(plain.Encode("no markers here"), marked.Encode("no markers here"));
        Assert.Contains(1031, plain.Encode(text)); // BERT's rules read a marker as pieces, starting with "["
        Assert.Equal([101, 2, .. Pieces(plain, "x"), 102], marked.WithEntityMarkerTokens().Encode("[E1] x"));
    }

    private static int[] Pieces(BertWordPieceTokenizer tokenizer, string text) => tokenizer.Encode(text)[1..^1];

    [Fact]
    public void ABatchPadsWithBertsPadIdAndMasksThePadding()
    {
        var tokenizer = Tokenizer(128);
        using var batch = TokenBatch.From(tokenizer, ["hi", "a somewhat longer sentence"]);
        var ids = batch.Ids.data<long>().ToArray();
        var mask = batch.Mask.data<float>().ToArray();
        int length = batch.Length;
        Assert.Equal(tokenizer.Encode("a somewhat longer sentence").Length, length);
        Assert.Equal([101, 7632, 102], ids.Take(3).Select(i => (int)i));
        Assert.All(ids.Skip(3).Take(length - 3), id => Assert.Equal(BertWordPieceTokenizer.PadId, id));
        Assert.Equal([1f, 1f, 1f], mask.Take(3));
        Assert.All(mask.Skip(3).Take(length - 3), m => Assert.Equal(0f, m));
        Assert.All(mask.Skip(length), m => Assert.Equal(1f, m));
    }

    private static BertWordPieceTokenizer Tokenizer(int maxLength)
    {
        lock (Tokenizers)
        {
            if (!Tokenizers.TryGetValue(maxLength, out var tokenizer)) Tokenizers[maxLength] = tokenizer = BertWordPieceTokenizer.MiniLm(maxLength);
            return tokenizer;
        }
    }

    private sealed record Case(string Text, int MaxLength, int[] Ids);
}
