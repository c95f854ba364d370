using System.Net;
using LlmPlatform.Data.Entities;
using Microsoft.Playwright;

namespace LlmPlatform.Graph.Tests.Browsers;

/// <summary>
/// A front end on another origin, in a real browser: one on an allowed origin (127.0.0.1, another port: allowed in
/// Development) uses the API over HTTP, SSE and WebSocket; one on an origin nobody allowed (127.0.0.2) is refused on
/// each, and its refused generations never start (nothing is stored).
/// </summary>
public sealed class CrossOriginBrowserTests(BrowserServer server, Chromium chromium) : IClassFixture<BrowserServer>, IClassFixture<Chromium>
{
    [Fact]
    public async Task PageOnAllowedOrigin_CallsApiOverHttpSseAndWebSocket()
    {
        await using var site = new OtherOriginSite(IPAddress.Loopback);
        await site.StartAsync();
        var messagesBefore = await server.CountAsync<Message>();

        var page = await RunSiteAsync(site, "cors-allowed-origin");

        Assert.StartsWith("ok: ", await page.Locator("#http").TextContentAsync(), StringComparison.Ordinal);
        Assert.Equal("ok: streamed", await page.Locator("#sse").TextContentAsync());
        Assert.Equal("ok: streamed", await page.Locator("#ws").TextContentAsync());
        // Both generations ran and were stored: a prompt and a reply each.
        Assert.Equal(messagesBefore + 4, await server.CountAsync<Message>());
    }

    [Fact]
    public async Task PageOnOtherOrigin_IsRefusedOnEveryTransportAndStartsNothing()
    {
        await using var site = new OtherOriginSite(IPAddress.Parse("127.0.0.2"));
        await site.StartAsync();
        var messagesBefore = await server.CountAsync<Message>();

        var page = await RunSiteAsync(site, "cors-refused-origin");

        Assert.StartsWith("refused: ", await page.Locator("#http").TextContentAsync(), StringComparison.Ordinal);
        Assert.StartsWith("refused: ", await page.Locator("#sse").TextContentAsync(), StringComparison.Ordinal);
        // A refused upgrade is a failed connection to the page: no close frame, so 1006.
        Assert.Equal("closed: 1006", await page.Locator("#ws").TextContentAsync());
        Assert.Equal(messagesBefore, await server.CountAsync<Message>());
    }

    // The other origin's page calls this server on every transport; it is done when all three calls have ended.
    private async Task<IPage> RunSiteAsync(OtherOriginSite site, string screenshot)
    {
        var page = await chromium.NewPageAsync();
        await page.GotoAsync(site.PageCalling(server.GraphQLEndpoint).ToString());
        await page.Locator("#done").WaitForAsync();
        await Chromium.ScreenshotAsync(page, screenshot);
        return page;
    }
}
