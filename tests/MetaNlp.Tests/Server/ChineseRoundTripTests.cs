using System.Net;
using System.Text.Json;
using MetaNlp.Algorithms;
using MetaNlp.Encoders;
using MetaNlp.Models;
using MetaNlp.Tests.Data;
using Microsoft.Playwright;
using static TorchSharp.torch;

namespace MetaNlp.Tests.Server;

/// <summary>A Chinese (jieba) model served, and Chinese examples and labels that come back byte for byte through JSON and SQLite.</summary>
public class ChineseRoundTripTests
{
    // Full-width punctuation, an emoji with a modifier, a ZWJ family, a supplementary-plane ideograph, mixed scripts.
    private static readonly (string Text, string Label)[] Examples =
    [
        ("这个手机非常好用，电池很耐用！👍🏽", "正面评价"),
        ("物流很快，包装也很好😊", "正面评价"),
        ("质量太差了，用了两天就坏了。", "负面评价"),
        ("客服态度恶劣👨‍👩‍👧，再也不买了…", "负面评价"),
        ("iPhone 15 的价格是5999元「官方」", "价格咨询"),
        ("𠀋字怎么读？多少钱？", "价格咨询"),
    ];

    [Fact]
    public async Task ChineseExamplesAndLabelsRoundTripUnchangedThroughJsonAndTheDatabase()
    {
        using var dir = new TempDir();
        string model = SaveChineseModel(dir);
        string database = Path.Combine(dir.Path, "db", "classifiers.db");
        var body = new { name = "商品评论🛒", examples = Examples.Select(e => new { text = e.Text, label = e.Label }).ToArray() };
        string id;
        await using (var host = await ServiceHost.StartAsync(model, database))
        {
            var response = await host.Client.SendAsync(ServiceHost.Authorized(HttpMethod.Post, "/api/classifiers", body));
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            var created = await ServiceHost.Json(response);
            id = created.GetProperty("id").GetString()!;
            AssertSameExamples(await ServiceHost.Json(await host.Client.GetAsync($"/api/classifiers/{id}")));
            var classified = await ServiceHost.Json(await host.Client.SendAsync(ServiceHost.Authorized(HttpMethod.Post, $"/api/classifiers/{id}/classify", new { texts = new[] { "电池很耐用👍🏽" } })));
            var prediction = classified.GetProperty("predictions")[0];
            Assert.Contains(prediction.GetProperty("label").GetString(), Examples.Select(e => e.Label));
            Assert.Equal(Examples.Select(e => e.Label).Distinct().Order(StringComparer.Ordinal), prediction.GetProperty("probabilities").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        }
        // A new process reads them back from SQLite.
        await using (var host = await ServiceHost.StartAsync(model, database))
        {
            var stored = await ServiceHost.Json(await host.Client.GetAsync($"/api/classifiers/{id}"));
            AssertSameExamples(stored);
            Assert.Equal("商品评论🛒", stored.GetProperty("name").GetString());
        }
    }

    // Issue 24 item 3, the web page: a Chinese input method types the full-width colon (U+FF1A), which the page once
    // refused ("Line 1 should read label: text"); the labels come back unchanged in the prediction and the list.
    [BrowserFact]
    [Trait("Category", "Slow")]
    public async Task APersonTypesChineseExamplesWithFullWidthColonsOnThePage()
    {
        using var dir = new TempDir();
        string model = SaveChineseModel(dir);
        await using var host = await ServiceHost.StartAsync(model, Path.Combine(dir.Path, "classifiers.db"));
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = BrowserFactAttribute.ChromiumPath, Headless = true });
        var page = await browser.NewPageAsync();
        await page.GotoAsync(host.Address.ToString());
        await page.GetByLabel("API key").FillAsync(ServiceHost.Key);
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("商品评论🛒");
        // Half the lines with the full-width colon, half with the ASCII one; a text may hold more colons of either kind.
        await page.GetByLabel("Examples").FillAsync(string.Join("\n", Examples.Select((e, i) => $"{e.Label}{(i % 2 == 0 ? "：" : ": ")}{e.Text}")) + "\n价格咨询：运费：多少？");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();
        await Assertions.Expect(page.Locator("#create-status")).ToContainTextAsync("Created \"商品评论🛒\" with 7 examples of 3 labels");

        await page.GetByLabel("Sentence", new() { Exact = true }).FillAsync("电池很耐用👍🏽");
        await page.GetByRole(AriaRole.Button, new() { Name = "Classify" }).ClickAsync();
        await Assertions.Expect(page.Locator("#probabilities tbody tr")).ToHaveCountAsync(3);
        string predicted = await page.Locator("#predicted").InnerTextAsync();
        // An untrained model may fall under the threshold of "none of these"; either way the label reads as typed.
        Assert.Matches(@"^(Label: (正面评价|负面评价|价格咨询) \(|None of these \(best: (正面评价|负面评价|价格咨询), )\d+\.\d%\)$", predicted);
        var shown = await page.Locator("#probabilities tbody tr td:first-child").AllInnerTextsAsync();
        Assert.Equal(["价格咨询", "正面评价", "负面评价"], shown.Order(StringComparer.Ordinal));

        var stored = await ServiceHost.Json(await host.Client.GetAsync("/api/classifiers"));
        var classifier = Assert.Single(stored.EnumerateArray(), c => c.GetProperty("name").GetString() == "商品评论🛒");
        var examples = ExamplesOf(await ServiceHost.Json(await host.Client.GetAsync($"/api/classifiers/{classifier.GetProperty("id").GetString()}")));
        Assert.Contains(("运费：多少？", "价格咨询"), examples);
        Assert.Equal(Examples.OrderBy(e => e.Text, StringComparer.Ordinal), examples.Where(e => e.Text != "运费：多少？").OrderBy(e => e.Text, StringComparer.Ordinal));
    }

    // An untrained jieba bag-of-embeddings ProtoNet over the examples' words, saved in dir.
    private static string SaveChineseModel(TempDir dir)
    {
        manual_seed(1);
        var spec = FewShotModel.NewSpec(PrototypicalNetwork.Name, null, new EncoderOptions { Kind = "boe", Tokenizer = EncoderOptions.JiebaTokens, EmbeddingDim = 16 },
            Examples.Select(e => e.Text));
        string model = Path.Combine(dir.Path, "chinese.ckpt");
        Checkpoint.SaveModel(model, FewShotModel.Create(spec));
        return model;
    }

    private static (string Text, string Label)[] ExamplesOf(JsonElement classifier) =>
        [.. classifier.GetProperty("examples").EnumerateArray().Select(e => (e.GetProperty("text").GetString()!, e.GetProperty("label").GetString()!))];

    private static void AssertSameExamples(JsonElement classifier) =>
        Assert.Equal(Examples.OrderBy(e => e.Text, StringComparer.Ordinal), ExamplesOf(classifier).OrderBy(e => e.Text, StringComparer.Ordinal));
}
