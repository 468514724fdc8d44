using MetaNlp.Data;

namespace MetaNlp.Tests.Data;

/// <summary>User CSV / JSON-lines files: good input parses; every bad input names the file and the line.</summary>
public class UserFileTests
{
    private static DatasetFormatException Fails(string path, Func<object> load, int? line, string? field = null, string? contains = null)
    {
        var e = Assert.Throws<DatasetFormatException>(load);
        Assert.Contains(path, e.Message);
        Assert.Equal(path, e.FilePath);
        if (line is int l)
        {
            Assert.Contains($"line {l}", e.Message);
            Assert.Equal(l, e.LineNumber);
        }
        if (field is not null) Assert.Contains($"'{field}'", e.Message);
        if (contains is not null) Assert.Contains(contains, e.Message, StringComparison.OrdinalIgnoreCase);
        return e;
    }

    [Fact]
    public void CsvParsesQuotesDoubledQuotesEmbeddedNewlinesAndSkipsBlankLines()
    {
        using var dir = new TempDir();
        var path = dir.File("a.csv", "label,text,extra\r\npos,\"hello, world\",1\r\n\r\nneg,\"she said \"\"hi\"\"\nand left\",2\nneg,plain,3");
        var ds = CsvDatasetReader.Load(path);
        Assert.Equal("a", ds.Name);
        Assert.Equal(
            [new TextExample("hello, world", "pos"), new TextExample("she said \"hi\"\nand left", "neg"), new TextExample("plain", "neg")],
            ds.Part("all"));
    }

    [Fact]
    public void CsvAcceptsFallbackAndConfiguredColumns()
    {
        using var dir = new TempDir();
        var a = dir.File("a.csv", "sentence,intent\nhi there,greet\n");
        Assert.Equal(new TextExample("hi there", "greet"), CsvDatasetReader.ReadExamples(a)[0]);
        var b = dir.File("b.csv", "Text,Category\nhi there,greet\n");
        Assert.Equal(new TextExample("hi there", "greet"), CsvDatasetReader.ReadExamples(b)[0]);
        var c = dir.File("c.csv", "q,y\nhi there,greet\n");
        Assert.Equal(new TextExample("hi there", "greet"), CsvDatasetReader.ReadExamples(c, new DatasetColumns { Text = "q", Label = "y" })[0]);
    }

    [Fact]
    public void CsvMissingHeaderColumnNamesFileLineAndColumn()
    {
        using var dir = new TempDir();
        var path = dir.File("m.csv", "text,tag\nhello,x\n");
        Fails(path, () => CsvDatasetReader.ReadExamples(path), 1, "label", "no label column");
        var p2 = dir.File("m2.csv", "words,label\nhello,x\n");
        Fails(p2, () => CsvDatasetReader.ReadExamples(p2), 1, "text", "no text column");
        var p3 = dir.File("m3.csv", "text,label\nhello,x\n");
        Fails(p3, () => CsvDatasetReader.ReadExamples(p3, new DatasetColumns { Label = "intent_name" }), 1, "intent_name");
    }

    [Fact]
    public void CsvEmptyFileIsAnError()
    {
        using var dir = new TempDir();
        var path = dir.File("e.csv", "\n\n");
        Fails(path, () => CsvDatasetReader.ReadExamples(path), 1, contains: "header");
        var headerOnly = dir.File("h.csv", "text,label\r\n");
        Fails(headerOnly, () => CsvDatasetReader.ReadExamples(headerOnly), 1, contains: "no examples");
    }

    [Fact]
    public void CsvUnterminatedQuoteNamesTheLineWhereItOpened()
    {
        using var dir = new TempDir();
        var path = dir.File("q.csv", "text,label\nok,a\n\"never closed,b\nmore\n");
        Fails(path, () => CsvDatasetReader.ReadExamples(path), 3, contains: "unterminated");
    }

    [Fact]
    public void CsvGarbageAfterClosingQuoteIsAnError()
    {
        using var dir = new TempDir();
        var path = dir.File("g.csv", "text,label\n\"ab\"c,x\n");
        Fails(path, () => CsvDatasetReader.ReadExamples(path), 2, contains: "closing quote");
    }

    [Fact]
    public void CsvWrongNumberOfFieldsNamesTheLineAfterAMultiLineField()
    {
        using var dir = new TempDir();
        var path = dir.File("w.csv", "text,label\n\"two\nlines\",a\nthree,fields,here\n");
        Fails(path, () => CsvDatasetReader.ReadExamples(path), 4, contains: "expected 2 fields");
    }

    [Fact]
    public void CsvEmptyTextAndEmptyLabelNameLineAndColumn()
    {
        using var dir = new TempDir();
        var t = dir.File("t.csv", "text,label\nok,a\n  ,b\n");
        Fails(t, () => CsvDatasetReader.ReadExamples(t), 3, "text", "text is empty");
        var l = dir.File("l.csv", "text,category\nok,a\nfine,\"\"\n");
        Fails(l, () => CsvDatasetReader.ReadExamples(l), 3, "category", "label is empty");
    }

    [Fact]
    public void TextsAndLabelsOfOnlyInvisibleCharactersNameLineAndColumn()
    {
        using var dir = new TempDir();
        var t = dir.File("zw.csv", "text,label\nok,a\n\u200B\u200D\uFEFF,b\n");
        Fails(t, () => CsvDatasetReader.ReadExamples(t), 3, "text", "no visible character");
        var l = dir.File("zl.csv", "text,label\nok,a\nfine,\u2060\u00AD\n");
        Fails(l, () => CsvDatasetReader.ReadExamples(l), 3, "label", "no visible character");
        var j = dir.File("zw.jsonl", "{\"text\":\"\\u3164\\u200b\",\"label\":\"a\"}\n");
        Fails(j, () => JsonlDatasetReader.ReadExamples(j), 1, "text", "no visible character");
    }

    [Fact]
    public void ABinaryOrNonUtf8FileIsOneShortErrorNamingTheFile()
    {
        using var dir = new TempDir();
        var random = new Random(3);
        var bytes = new byte[60_000];
        random.NextBytes(bytes);
        string binary = Path.Combine(dir.Path, "model.bin");
        File.WriteAllBytes(binary, bytes);
        var e = Fails(binary, () => CsvDatasetReader.ReadExamples(binary), null, contains: "not UTF-8 text");
        Assert.True(e.Message.Length < 400, $"{e.Message.Length} characters");
        Fails(binary, () => JsonlDatasetReader.ReadExamples(binary), null, contains: "not UTF-8 text");

        // Valid UTF-8 with NUL characters (a UTF-16 file, or a binary file of ASCII-range bytes).
        string utf16 = Path.Combine(dir.Path, "utf16.csv");
        File.WriteAllText(utf16, "text,label\nhello,a\n", new System.Text.UnicodeEncoding(bigEndian: false, byteOrderMark: false));
        Fails(utf16, () => CsvDatasetReader.ReadExamples(utf16), 1, contains: "NUL character");

        string latin1 = Path.Combine(dir.Path, "latin1.csv");
        File.WriteAllBytes(latin1, [.. "text,label\ncaf"u8, 0xE9, .. ",a\n"u8]);
        Fails(latin1, () => CsvDatasetReader.ReadExamples(latin1), null, contains: "another encoding");

        // A text file with a huge first line and no text column: the error lists a few names, cut short.
        var wide = dir.File("wide.csv", string.Join(",", Enumerable.Range(0, 5000).Select(i => new string('x', 100) + i)) + "\n");
        var header = Fails(wide, () => CsvDatasetReader.ReadExamples(wide), 1, contains: "and 4988 more");
        Assert.True(header.Message.Length < 1000, $"{header.Message.Length} characters");
    }

    [Fact]
    public void JsonlParsesAndSkipsBlankLines()
    {
        using var dir = new TempDir();
        var path = dir.File("a.jsonl", "{\"text\":\"hi\",\"label\":\"greet\"}\n\n  \n{\"sentence\":\"bye\",\"intent\":\"leave\",\"x\":1}\n");
        Assert.Equal([new TextExample("hi", "greet"), new TextExample("bye", "leave")], JsonlDatasetReader.Load(path).All);
    }

    [Fact]
    public void JsonlInvalidJsonNamesFileAndLine()
    {
        using var dir = new TempDir();
        var path = dir.File("bad.jsonl", "{\"text\":\"hi\",\"label\":\"a\"}\n\n{\"text\":\"hi\",\"label\":\n");
        Fails(path, () => JsonlDatasetReader.ReadExamples(path), 3, contains: "invalid JSON");
    }

    [Fact]
    public void JsonlNonObjectLineNamesFileAndLine()
    {
        using var dir = new TempDir();
        var path = dir.File("arr.jsonl", "{\"text\":\"hi\",\"label\":\"a\"}\n[\"hi\",\"a\"]\n");
        Fails(path, () => JsonlDatasetReader.ReadExamples(path), 2, contains: "an array");
    }

    [Fact]
    public void JsonlMissingFieldNamesFileLineAndField()
    {
        using var dir = new TempDir();
        var path = dir.File("mf.jsonl", "{\"text\":\"hi\",\"label\":\"a\"}\n{\"text\":\"hi\"}\n");
        Fails(path, () => JsonlDatasetReader.ReadExamples(path), 2, "label", "no label field");
        var p2 = dir.File("mf2.jsonl", "{\"txt\":\"hi\",\"label\":\"a\"}\n");
        Fails(p2, () => JsonlDatasetReader.ReadExamples(p2), 1, "text", "no text field");
    }

    [Fact]
    public void JsonlNonStringFieldNamesFileLineAndField()
    {
        using var dir = new TempDir();
        var path = dir.File("ns.jsonl", "{\"text\":\"hi\",\"label\":\"a\"}\n{\"text\":\"hi\",\"label\":\"a\"}\n{\"text\":\"hi\",\"label\":3}\n");
        Fails(path, () => JsonlDatasetReader.ReadExamples(path), 3, "label", "a number");
        var p2 = dir.File("ns2.jsonl", "{\"text\":null,\"label\":\"a\"}\n");
        Fails(p2, () => JsonlDatasetReader.ReadExamples(p2), 1, "text", "null");
    }

    [Fact]
    public void JsonlEmptyTextAndLabelNameFileLineAndField()
    {
        using var dir = new TempDir();
        var t = dir.File("et.jsonl", "{\"text\":\" \",\"label\":\"a\"}\n");
        Fails(t, () => JsonlDatasetReader.ReadExamples(t), 1, "text", "text is empty");
        var l = dir.File("el.jsonl", "{\"text\":\"x\",\"label\":\"a\"}\n{\"text\":\"x\",\"label\":\"\"}\n");
        Fails(l, () => JsonlDatasetReader.ReadExamples(l), 2, "label", "label is empty");
    }

    [Fact]
    public void DnncLineCountMismatchNamesBothFilesAndCounts()
    {
        using var dir = new TempDir();
        dir.File("DS/train/seq.in", "a\nb\nc\n");
        dir.File("DS/train/label", "x\ny\n");
        var e = Assert.Throws<DatasetFormatException>(() => DnncLoader.Load(System.IO.Path.Combine(dir.Path, "DS")));
        Assert.Contains(System.IO.Path.Combine(dir.Path, "DS", "train", "seq.in"), e.Message);
        Assert.Contains(System.IO.Path.Combine(dir.Path, "DS", "train", "label"), e.Message);
        Assert.Contains("3 lines", e.Message);
        Assert.Contains("has 2", e.Message);
    }

    [Fact]
    public void DnncEmptyUtteranceNamesFileAndLine()
    {
        using var dir = new TempDir();
        dir.File("DS/test/seq.in", "a\n\nc\n");
        dir.File("DS/test/label", "x\ny\nz\n");
        var path = System.IO.Path.Combine(dir.Path, "DS", "test", "seq.in");
        Fails(path, () => DnncLoader.Load(System.IO.Path.Combine(dir.Path, "DS")), 2, contains: "empty");
    }

    [Fact]
    public void HuffPostBadLabelNamesFileLineAndField()
    {
        using var dir = new TempDir();
        var path = dir.File("h.json", "{\"raw\":\"a b\",\"label\":3}\n{\"raw\":\"a b\",\"label\":\"3\"}\n");
        Fails(path, () => HuffPostLoader.LoadFile(path), 2, "label", "integer");
        Assert.Equal("3", HuffPostLoader.LoadFile(dir.File("ok.json", "{\"raw\":\"a b\",\"label\":3}\n")).All[0].Label);
    }

    [Fact]
    public void ArscBadLabelAndMissingTabNameFileAndLine()
    {
        using var dir = new TempDir();
        var path = dir.File("data/x.t2.train", "good text\t1\nbad text\t0\n");
        Fails(path, () => ArscLoader.Load(dir.Path), 2, "label", "expected 1 or -1");
        var p2 = dir.File("y.t2.test", "good text\t-1\nno tab here\n");
        Fails(p2, () => ArscLoader.ReadTaskFile(p2, "y.t2"), 2, contains: "no tab");
        var ok = ArscLoader.ReadTaskFile(dir.File("z.t2.dev", "nice\t1\nbad\t-1\n"), "z.t2");
        Assert.Equal([new TextExample("nice", "positive") { Domain = "z.t2" }, new TextExample("bad", "negative") { Domain = "z.t2" }], ok);
    }

    [Fact]
    public void JsonFileSyntaxErrorsNameFileAndLine()
    {
        using var dir = new TempDir();
        var clinc = dir.File("c.json", "{\n  \"train\": [\n    [\"hi\", \"greet\"],\n    [\"x\" \"y\"]\n  ]\n}\n");
        Fails(clinc, () => Clinc150Loader.LoadFile(clinc), 4, contains: "invalid JSON");
        var fewrel = dir.File("f.json", "{\"P1\": [{\"tokens\": [\"a\", \"b\"], \"h\": [\"a\", \"Q1\", [[0]]], \"t\": [\"b\", \"Q2\", [[5]]]}]}");
        Fails(fewrel, () => FewRelLoader.LoadFile(fewrel), null, "P1[0].t", "not an index");
    }

    [Fact]
    public void DatasetFileDispatchesOnFormat()
    {
        using var dir = new TempDir();
        var csv = dir.File("u.csv", "text,label\nhi,a\n");
        Assert.Single(DatasetFile.Load(csv, "CSV").All);
        var jsonl = dir.File("u.jsonl", "{\"text\":\"hi\",\"label\":\"a\"}\n");
        Assert.Single(DatasetFile.Load(jsonl, "jsonl").All);
        var clinc = dir.File("c.json", "{\"train\": [[\"hi\", \"greet\"]], \"oos_test\": [[\"what\", \"oos\"]]}");
        Assert.Equal(["train", "oos_test"], DatasetFile.Load(clinc, "clinc").PartNames);
        var bank = dir.File("b.csv", "text,category\n\"hi, you\",greet\n");
        Assert.Equal("hi, you", DatasetFile.Load(bank, "banking77").All[0].Text);
        var pa = dir.File("p.jsonl", "{\"label\": \"set\", \"sentence\": \"wake me\"}\n");
        Assert.Equal(new TextExample("wake me", "set"), DatasetFile.Load(pa, "protaugment").All[0]);
        var e = Assert.Throws<ArgumentException>(() => DatasetFile.Load(csv, "xml"));
        Assert.Contains("csv, jsonl, fewrel", e.Message);
        Assert.Throws<FileNotFoundException>(() => DatasetFile.Load(System.IO.Path.Combine(dir.Path, "nope.csv"), "csv"));
    }

    [Fact]
    public void FewRelMarkersHandleAdjacentNestedCrossingAndIdenticalSpans()
    {
        string[] t = ["a", "b", "c", "d", "e"];
        Assert.Equal("[E1] a [/E1] [E2] b [/E2] c d e", FewRelLoader.MarkEntities(t, new(0, 1), new(1, 2)));
        Assert.Equal("a [E2] b [/E2] [E1] c d [/E1] e", FewRelLoader.MarkEntities(t, new(2, 4), new(1, 2)));
        Assert.Equal("[E1] a [E2] b [/E2] c [/E1] d e", FewRelLoader.MarkEntities(t, new(0, 3), new(1, 2)));
        Assert.Equal("a [E2] b [E1] c [/E1] d [/E2] e", FewRelLoader.MarkEntities(t, new(2, 3), new(1, 4)));
        Assert.Equal("a [E1] [E2] b c [/E2] [/E1] d e", FewRelLoader.MarkEntities(t, new(1, 3), new(1, 3)));
        Assert.Equal("a [E1] b [E2] c [/E1] d [/E2] e", FewRelLoader.MarkEntities(t, new(1, 3), new(2, 4)));
        Assert.Equal("a b c [E1] d e [/E1] [E2] [/E2]", FewRelLoader.MarkEntities(t, new(3, 5), new(5, 5)));
    }
}
