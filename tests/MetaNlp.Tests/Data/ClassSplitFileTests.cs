using MetaNlp.Data;

namespace MetaNlp.Tests.Data;

/// <summary>Class split files (JSON and text), command-line lists, and validation against a dataset.</summary>
public class ClassSplitFileTests
{
    [Fact]
    public void ReadsJsonWithValOrValidOrValidation()
    {
        using var dir = new TempDir();
        foreach (var key in new[] { "val", "valid", "validation" })
        {
            var path = dir.File($"s-{key}.json", $"{{\"train\": [\"a\", \"b\"], \"{key}\": [\"c\"], \"test\": [\"d\", \"e\"]}}");
            var split = ClassSplitFile.Read(path);
            Assert.Equal(["a", "b"], split.Train);
            Assert.Equal(["c"], split.Validation);
            Assert.Equal(["d", "e"], split.Test);
        }
    }

    [Fact]
    public void ReadsTheTextForm()
    {
        using var dir = new TempDir();
        var path = dir.File("s.txt", "# my split\ntrain: a, b , c\n\nvalidation: d\r\ntest: e,f\n");
        var split = ClassSplitFile.Read(path);
        Assert.Equal(["a", "b", "c"], split.Train);
        Assert.Equal(["d"], split.Validation);
        Assert.Equal(["e", "f"], split.Test);
    }

    [Fact]
    public void TextFormErrorsNameFileAndLine()
    {
        using var dir = new TempDir();
        var bad = dir.File("bad.txt", "train: a\nvalidation d\ntest: e\n");
        var e = Assert.Throws<DatasetFormatException>(() => ClassSplitFile.Read(bad));
        Assert.Contains(bad, e.Message);
        Assert.Contains("line 2", e.Message);

        var unknown = dir.File("unknown.txt", "train: a\nholdout: d\ntest: e\n");
        e = Assert.Throws<DatasetFormatException>(() => ClassSplitFile.Read(unknown));
        Assert.Contains("line 2", e.Message);
        Assert.Contains("'holdout'", e.Message);

        var missing = dir.File("missing.txt", "train: a\ntest: e\n");
        e = Assert.Throws<DatasetFormatException>(() => ClassSplitFile.Read(missing));
        Assert.Contains(missing, e.Message);
        Assert.Contains("no val classes", e.Message);

        var twice = dir.File("twice.txt", "train: a\nval: b\ntest: c\ntrain: d\n");
        e = Assert.Throws<DatasetFormatException>(() => ClassSplitFile.Read(twice));
        Assert.Contains("line 4", e.Message);
        Assert.Contains("first on line 1", e.Message);
    }

    [Fact]
    public void AMissingSplitFileIsReportedAsASplitFileNotAsDatasetData()
    {
        using var dir = new TempDir();
        string path = Path.Combine(dir.Path, "nosuch-split.json");
        var e = Assert.Throws<FileNotFoundException>(() => ClassSplitFile.Read(path));
        Assert.StartsWith("Class split file not found", e.Message);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void OverlappingSetsAreAnErrorNamingTheClassFileAndLine()
    {
        using var dir = new TempDir();
        var path = dir.File("overlap.txt", "train: a, b\nval: c\ntest: d, b\n");
        var e = Assert.Throws<DatasetFormatException>(() => ClassSplitFile.Read(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("line 3", e.Message);
        Assert.Contains("'b'", e.Message);
        Assert.Contains("disjoint", e.Message);

        var json = dir.File("overlap.json", "{\"train\": [\"a\"], \"val\": [\"a\"], \"test\": [\"c\"]}");
        e = Assert.Throws<DatasetFormatException>(() => ClassSplitFile.Read(json));
        Assert.Contains(json, e.Message);
        Assert.Contains("'a'", e.Message);

        var ex = Assert.Throws<ArgumentException>(() => ClassSplitFile.ParseLists("a,b", "c", "b"));
        Assert.Contains("'b'", ex.Message);
    }

    [Fact]
    public void JsonErrorsNameFileAndLine()
    {
        using var dir = new TempDir();
        var path = dir.File("broken.json", "{\n  \"train\": [\"a\"],\n  \"val\": [\"b\"\n  \"test\": [\"c\"]\n}");
        var e = Assert.Throws<DatasetFormatException>(() => ClassSplitFile.Read(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("line 4", e.Message);

        var notArray = dir.File("na.json", "{\"train\": \"a\", \"val\": [\"b\"], \"test\": [\"c\"]}");
        e = Assert.Throws<DatasetFormatException>(() => ClassSplitFile.Read(notArray));
        Assert.Contains("'train'", e.Message);
    }

    [Fact]
    public void ParsesCommandLineLists()
    {
        var split = ClassSplitFile.ParseLists("a, b", "c", " d ,e,");
        Assert.Equal(["a", "b"], split.Train);
        Assert.Equal(["c"], split.Validation);
        Assert.Equal(["d", "e"], split.Test);
        Assert.Contains("name no class", Assert.Throws<ArgumentException>(() => ClassSplitFile.ParseLists(" ", ",", "")).Message);
        var testOnly = ClassSplitFile.ParseLists(" ", "", "c"); // eval names only what it scores
        Assert.Empty(testOnly.Train);
        Assert.Equal(["c"], testOnly.Test);
        var trainOnly = ClassSplitFile.ParseLists("a", " ", "");
        Assert.Empty(trainOnly.Validation);
        Assert.Empty(trainOnly.Test);
    }

    [Fact]
    public void ValidateNamesClassesTheDatasetLacks()
    {
        var ds = new TextDataset("toy", [new TextExample("x", "a"), new TextExample("y", "b"), new TextExample("z", "c")]);
        ClassSplitFile.Validate(ClassSplitFile.ParseLists("a", "b", "c"), ds);
        var e = Assert.Throws<ArgumentException>(() => ClassSplitFile.Validate(ClassSplitFile.ParseLists("a", "b", "c, zebra"), ds));
        Assert.Contains("'zebra' (test)", e.Message);
        Assert.Contains("'toy'", e.Message);
    }
}
