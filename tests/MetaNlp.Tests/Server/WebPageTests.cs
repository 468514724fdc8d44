using Microsoft.Playwright;

namespace MetaNlp.Tests.Server;

/// <summary>The web page in headless Chromium: a person creates a classifier by typing and sees a prediction.</summary>
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
        Assert.Empty(blocked);
    }
}
