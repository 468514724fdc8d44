using System.Text;
using MetaNlp.Server;
using Microsoft.Playwright;

namespace MetaNlp.Tests.Server;

/// <summary>
/// The web page in headless Chromium: a person creates a classifier by typing and sees a prediction; manages
/// classifiers as a client of the API can (list, add and remove examples, a CSV of examples, delete, the threshold of
/// "none of these"); and reads the API reference page.
/// </summary>
[Trait("Category", "Slow")] // drives a browser over the service: `dotnet test --filter "Category!=Slow"` leaves it out locally
public class WebPageTests(ServiceFixture fixture) : IClassFixture<ServiceFixture>
{
    [BrowserFact]
    public async Task APersonCreatesAClassifierOnThePageAndSeesAPrediction()
    {
        Assert.True(File.Exists(BrowserFactAttribute.ChromiumPath), $"Chromium is required here but missing at {BrowserFactAttribute.ChromiumPath}");
        await using var host = await ServiceHost.StartAsync(fixture.ModelPath, fixture.NewDatabase());
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = BrowserFactAttribute.ChromiumPath, Headless = true });
        var page = await browser.NewPageAsync();
        var blocked = new List<string>();   // the page works under the service's Content-Security-Policy: nothing is blocked
        page.Console += (_, message) => { if (message.Text.Contains("Content Security Policy", StringComparison.Ordinal)) blocked.Add(message.Text); };
        var response = await page.GotoAsync(host.Address.ToString());
        Assert.Contains("default-src 'self'", await response!.HeaderValueAsync("content-security-policy") ?? "", StringComparison.Ordinal);

        await page.GetByLabel("API key").FillAsync(ServiceHost.Key);
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("typed on the page");
        await page.GetByLabel("Examples").FillAsync(string.Join("\n", fixture.Support.Select(e => $"{e.Label}: {e.Text}")));
        await page.GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();
        await Assertions.Expect(page.Locator("#create-status")).ToContainTextAsync("Created \"typed on the page\" with 20 examples of 4 labels");

        // The new classifier is selected; a sentence of one of its intents gets a label, probabilities and neighbours.
        var query = fixture.Queries.First(q => q.Label == fixture.Support[0].Label);
        await page.GetByLabel("Sentence", new() { Exact = true }).FillAsync(query.Text);
        await page.GetByRole(AriaRole.Button, new() { Name = "Classify" }).ClickAsync();
        await Assertions.Expect(page.Locator("#predicted")).ToContainTextAsync("Label: ");
        await Assertions.Expect(page.Locator("#probabilities tbody tr")).ToHaveCountAsync(4);
        await Assertions.Expect(page.Locator("#nearest tbody tr")).ToHaveCountAsync(5);
        string predicted = await page.Locator("#predicted").InnerTextAsync();
        Assert.Matches(@"^Label: \S+ \(\d+\.\d%\)$", predicted);
        // The sentence's words come back coloured by their attributions; the colours are set through the style object,
        // which the Content-Security-Policy allows (a blocked inline style would be in `blocked`).
        var words = page.Locator("#attributions span.attribution");
        await Assertions.Expect(words.First).ToBeVisibleAsync();
        Assert.Equal(MetaNlp.Text.WordTokenizer.Split(query.Text), await words.AllInnerTextsAsync()); // the test's base model reads words
        Assert.StartsWith("rgba(", await words.First.EvaluateAsync<string>("w => w.style.backgroundColor"), StringComparison.Ordinal);
        await Assertions.Expect(page.Locator("#attributions-legend")).ToContainTextAsync("Green words pull toward ");
        Assert.Empty(blocked);
    }

    private static async Task<(IPlaywright Playwright, IBrowser Browser, IPage Page, List<string> Blocked)> OpenAsync()
    {
        Assert.True(File.Exists(BrowserFactAttribute.ChromiumPath), $"Chromium is required here but missing at {BrowserFactAttribute.ChromiumPath}");
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = BrowserFactAttribute.ChromiumPath, Headless = true });
        var page = await browser.NewPageAsync();
        var blocked = new List<string>();
        page.Console += (_, message) => { if (message.Text.Contains("Content Security Policy", StringComparison.Ordinal)) blocked.Add(message.Text); };
        page.RequestFailed += (_, request) => blocked.Add($"{request.Url}: {request.Failure}");
        return (playwright, browser, page, blocked);
    }

    private static FilePayload Csv(string name, string text) => new() { Name = name, MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(text) };

    [BrowserFact]
    public async Task APersonManagesClassifiersOnThePageAsTheApiAllows()
    {
        await using var host = await ServiceHost.StartAsync(fixture.ModelPath, fixture.NewDatabase(), o => o with { BaseModels = [BaseModelSource.Pretrained, .. o.BaseModels] });
        var (playwright, browser, page, blocked) = await OpenAsync();
        using var _ = playwright;
        await using var __ = browser;
        page.Dialog += async (_, dialog) => await dialog.AcceptAsync();   // the delete confirmation
        await page.GotoAsync(host.Address.ToString());
        await Assertions.Expect(page.Locator("#list-status")).ToContainTextAsync("No classifiers yet");

        // The threshold field starts at the pretrained model's measured default, not 0.
        await Assertions.Expect(page.GetByLabel("Threshold")).ToHaveValueAsync(NoneOfThese.PretrainedDefault.ToString(System.Globalization.CultureInfo.InvariantCulture));

        // Create from typed lines and a CSV file (a quoted text with a comma and a quote, the columns in another order).
        await page.GetByLabel("API key").FillAsync(ServiceHost.Key);
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("bank");
        await page.GetByLabel("Examples", new() { Exact = false }).FillAsync("card_lost: I lost my card\ncard_lost: my card was stolen\ncard_lost: I cannot find my credit card\n"
            + "balance: what is my balance\nbalance: how much money do I have");
        await page.Locator("#create-csv").SetInputFilesAsync(Csv("more.csv",
            "label,text\r\nbalance,show my account balance\r\ntransfer,send money to my sister\r\ntransfer,\"transfer 50 dollars, to savings\"\r\ntransfer,\"wire money abroad, \"\"fast\"\"\"\r\n"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Create" }).ClickAsync();
        await Assertions.Expect(page.Locator("#create-status")).ToContainTextAsync("Created \"bank\" with 9 examples of 3 labels");

        // Listed, and open: its examples, each with a remove button.
        await Assertions.Expect(page.Locator("#classifiers tbody tr")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#classifiers tbody tr")).ToContainTextAsync("balance (3), card_lost (3), transfer (3)");
        await Assertions.Expect(page.Locator("#examples-table tbody tr")).ToHaveCountAsync(9);
        await Assertions.Expect(page.Locator("#examples-table")).ToContainTextAsync("wire money abroad, \"fast\"");

        // Off-topic lands in "none of these" at the default threshold; a banking sentence gets its label; both show their nearest examples.
        await page.GetByLabel("Sentence", new() { Exact = true }).FillAsync("what is the weather");
        await page.GetByRole(AriaRole.Button, new() { Name = "Classify" }).ClickAsync();
        await Assertions.Expect(page.Locator("#predicted")).ToContainTextAsync("None of these (best: ");
        await Assertions.Expect(page.Locator("#nearest tbody tr")).ToHaveCountAsync(5);
        await page.GetByLabel("Sentence", new() { Exact = true }).FillAsync("someone stole my wallet and card");
        await page.GetByRole(AriaRole.Button, new() { Name = "Classify" }).ClickAsync();
        await Assertions.Expect(page.Locator("#predicted")).ToContainTextAsync("Label: card_lost");
        await Assertions.Expect(page.Locator("#nearest tbody tr").First).ToContainTextAsync("card_lost");

        // Remove one example; add two typed ones and two from a CSV.
        await page.GetByRole(AriaRole.Button, new() { Name = "Remove example send money to my sister" }).ClickAsync();
        await Assertions.Expect(page.Locator("#manage-status")).ToContainTextAsync("Removed \"send money to my sister\"");
        await Assertions.Expect(page.Locator("#examples-table tbody tr")).ToHaveCountAsync(8);
        await page.GetByLabel("Lines to add").FillAsync("weather: will it rain today\nweather: how hot is it outside");
        await page.Locator("#add-csv").SetInputFilesAsync(Csv("weather.csv", "text,label\nis it sunny,weather\nforecast for tomorrow,weather\n"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Add examples" }).ClickAsync();
        await Assertions.Expect(page.Locator("#manage-status")).ToContainTextAsync("Added 4 examples");
        await Assertions.Expect(page.Locator("#examples-table tbody tr")).ToHaveCountAsync(12);
        await Assertions.Expect(page.Locator("#classifiers tbody tr")).ToContainTextAsync("weather (4)");

        // The API sees what the page did.
        var stored = await ServiceHost.Json(await host.Client.GetAsync("/api/classifiers"));
        var bank = stored.EnumerateArray().Single();
        Assert.Equal((12, NoneOfThese.PretrainedDefault, 3L), (bank.GetProperty("exampleCount").GetInt32(), bank.GetProperty("threshold").GetDouble(), bank.GetProperty("version").GetInt64()));

        // A wrong key is refused with the API's own words.
        await page.GetByLabel("API key").FillAsync("wrong key");
        await page.GetByRole(AriaRole.Button, new() { Name = "Remove example I lost my card" }).ClickAsync();
        await Assertions.Expect(page.Locator("#manage-status")).ToContainTextAsync("not accepted");

        // Delete it.
        await page.GetByLabel("API key").FillAsync(ServiceHost.Key);
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete bank" }).ClickAsync();
        await Assertions.Expect(page.Locator("#list-status")).ToContainTextAsync("Deleted \"bank\"");
        await Assertions.Expect(page.Locator("#classifiers tbody tr")).ToHaveCountAsync(0);
        Assert.Equal(0, (await ServiceHost.Json(await host.Client.GetAsync("/api/classifiers"))).GetArrayLength());
        Assert.Empty(blocked);
    }

    [BrowserFact]
    public async Task TheApiReferencePageShowsEveryOperationFromTheOpenApiDescription()
    {
        await using var host = await ServiceHost.StartAsync(fixture.ModelPath, fixture.NewDatabase());
        var (playwright, browser, page, blocked) = await OpenAsync();
        using var _ = playwright;
        await using var __ = browser;
        var document = await ServiceHost.Json(await host.Client.GetAsync("/openapi/v1.json"));
        int operations = document.GetProperty("paths").EnumerateObject().Sum(p => p.Value.EnumerateObject().Count());
        await page.GotoAsync(new Uri(host.Address, "/reference").ToString());
        await Assertions.Expect(page.Locator("#operations article")).ToHaveCountAsync(operations);
        await Assertions.Expect(page.Locator("#schemes")).ToContainTextAsync("X-Api-Key");
        var delete = page.Locator("article", new() { Has = page.GetByRole(AriaRole.Heading, new() { Name = "DELETE /api/classifiers/{id}" }) });
        await Assertions.Expect(delete).ToContainTextAsync("Needs an API key");
        foreach (var status in new[] { "204", "401", "404", "429", "503" })
            await Assertions.Expect(delete.Locator($"tr.status-{status}")).ToHaveCountAsync(1);
        var create = page.Locator("article", new() { Has = page.GetByRole(AriaRole.Heading, new() { Name = "POST /api/classifiers", Exact = true }) });
        await Assertions.Expect(create.Locator("table.schema")).ToContainTextAsync("threshold");
        Assert.Empty(blocked);
    }
}
