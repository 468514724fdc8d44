using MetaNlp.Tests.Data;

namespace MetaNlp.Tests.Cli;

/// <summary><c>metanlp explain</c>: the explanation as JSON, as plain text when redirected, as an HTML file; bad input is exit 2.</summary>
public class ExplainCommandTests
{
    private const string Support = "text,label\nwhere is my card,card\nmy card has not arrived,card\nbook a table for two,restaurant\nreserve a table tonight,restaurant\n";

    [Fact]
    public void ExplainsAPredictionOfMiniLmAsJsonTextAndHtml()
    {
        using var dir = new TempDir();
        string support = dir.File("support.csv", Support);
        string html = Path.Combine(dir.Path, "explained.html");
        var json = CliRunner.Run("explain", "--model", "minilm", "--support", support, "--text", "has my new card been sent", "--html", html, "--threads", "1", "--json");
        Assert.True(json.ExitCode == 0, json.Stderr);
        Assert.Equal("card", (string)json.Json["label"]!);
        Assert.Equal("restaurant", (string)json.Json["runnerUp"]!);
        var attributions = json.Json["attributions"]!;
        Assert.Equal(50, (int)attributions["steps"]!);
        Assert.Equal("zero", (string)attributions["baseline"]!);
        var words = attributions["words"]!.AsArray().Select(w => (string)w!["text"]!).ToArray();
        Assert.Equal(["[CLS]", "has", "my", "new", "card", "been", "sent", "[SEP]"], words);
        double gap = (double)attributions["inputGap"]! - (double)attributions["baselineGap"]!;
        Assert.True(Math.Abs((double)attributions["completenessError"]!) <= 1e-3 + 0.01 * Math.Abs(gap));
        Assert.Equal(4, json.Json["nearest"]!.AsArray().Count);
        Assert.Null(json.Json["trace"]); // protonet: no inner loop

        string page = File.ReadAllText(html);
        Assert.StartsWith("<!DOCTYPE html>", page, StringComparison.Ordinal);
        Assert.Contains(">card</span>", page, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", page, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp"));

        var text = CliRunner.Run("explain", "--model", "minilm", "--support", support, "--text", "has my new card been sent", "--steps", "8", "--threads", "1");
        Assert.True(text.ExitCode == 0, text.Stderr);
        Assert.DoesNotContain('\u001b', text.Stdout); // redirected: no colour codes
        Assert.StartsWith("card\t", text.Stdout, StringComparison.Ordinal);
        Assert.Contains("+card", text.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--baseline", "middle", "--baseline")]
    [InlineData("--steps", "0", "--steps")]
    [InlineData("--steps", "5000", "--steps")]
    [InlineData("--text", " ", "--text")]
    public void BadInputIsExitTwoNamingTheOption(string option, string value, string named)
    {
        using var dir = new TempDir();
        string support = dir.File("support.csv", Support);
        string[] args = ["explain", "--model", "minilm", "--support", support, "--threads", "1", option, value];
        if (option != "--text") args = [.. args, "--text", "where is it"];
        var result = CliRunner.Run(args);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(named, result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void ASupportFileWithOneLabelIsExitTwo()
    {
        using var dir = new TempDir();
        string support = dir.File("support.csv", "text,label\nwhere is my card,card\nmy card has not arrived,card\n");
        var result = CliRunner.Run("explain", "--model", "minilm", "--support", support, "--text", "where is it", "--threads", "1");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--support", result.Stderr, StringComparison.Ordinal);
    }
}
