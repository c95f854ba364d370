using LlmPlatform.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace LlmPlatform.Graph.Tests.Browsers;

/// <summary>
/// The chat page at /chat in a real browser: a reply streams from echo token by token, a reply can be cancelled, and
/// a reload in the middle of a reply resumes it with no token lost or repeated.
/// </summary>
public sealed class ChatPageBrowserTests(BrowserServer server, Chromium chromium) : IClassFixture<BrowserServer>, IClassFixture<Chromium>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Prompt_StreamsTheWholeReply_AndTheHistoryKeepsIt()
    {
        var page = await OpenChatAsync();
        const string prompt = "Tell me about streaming pages";

        await SendAsync(page, prompt);
        var reply = page.Locator("#history li.assistant").Last;
        // Mid-stream: part of the reply is there, not all of it.
        await Assertions.Expect(reply).ToHaveAttributeAsync("data-received", new System.Text.RegularExpressions.Regex("^0-([5-9]|\\d\\d)"));
        Assert.NotEqual(BrowserServer.FullReply(prompt), await reply.Locator(".text").TextContentAsync());
        await Chromium.ScreenshotAsync(page, "chat-streaming");
        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("Done.", new() { Timeout = (float)Wait.TotalMilliseconds });

        Assert.Equal(BrowserServer.FullReply(prompt), await reply.Locator(".text").TextContentAsync());
        Assert.Equal($"0-{BrowserServer.ReplyTokens - 1}", await reply.GetAttributeAsync("data-received"));

        // The conversation's history, as the server stored it, after a reload.
        await page.ReloadAsync();
        await page.Locator("body[data-ready]").WaitForAsync();
        await Assertions.Expect(page.Locator("#history li")).ToHaveCountAsync(2);
        Assert.Equal(prompt, await page.Locator("#history li.user .text").Last.TextContentAsync());
        Assert.Equal(BrowserServer.FullReply(prompt), await page.Locator("#history li.assistant .text").Last.TextContentAsync());
        await Chromium.ScreenshotAsync(page, "chat-history");
    }

    [Fact]
    public async Task Cancel_StopsTheReply_AndWhatWasShownIsWhatIsStored()
    {
        var page = await OpenChatAsync();
        const string prompt = "Please stop me halfway";

        await SendAsync(page, prompt);
        var reply = page.Locator("#history li.assistant").Last;
        await Assertions.Expect(reply).ToHaveAttributeAsync("data-received", new System.Text.RegularExpressions.Regex("^0-([5-9]|\\d\\d)"));
        await page.Locator("#cancel").ClickAsync();
        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("Cancelled.", new() { Timeout = (float)Wait.TotalMilliseconds });
        await Chromium.ScreenshotAsync(page, "chat-cancelled");

        var shown = await reply.Locator(".text").TextContentAsync();
        Assert.Equal("CANCELLED", await reply.GetAttributeAsync("data-finish-reason"));
        Assert.NotEqual(BrowserServer.FullReply(prompt), shown);
        Assert.StartsWith(shown!, BrowserServer.FullReply(prompt), StringComparison.Ordinal);
        Assert.Equal(shown, await StoredReplyAsync(prompt));
    }

    [Fact]
    public async Task ReloadMidStream_ResumesAfterTheLastTokenShown_WithNoneLostOrRepeated()
    {
        var page = await OpenChatAsync();
        const string prompt = "Survive a reload please";

        await SendAsync(page, prompt);
        var reply = page.Locator("#history li.assistant").Last;
        await Assertions.Expect(reply).ToHaveAttributeAsync("data-received", new System.Text.RegularExpressions.Regex("^0-(1\\d|[2-9]\\d)$"));
        await page.ReloadAsync();

        await page.Locator("body[data-ready]").WaitForAsync();
        await Chromium.ScreenshotAsync(page, "chat-resumed");
        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("Done.", new() { Timeout = (float)Wait.TotalMilliseconds });
        var resumed = page.Locator("#history li.assistant").Last;
        // This page load received only the chunks after the ones shown before the reload, through the last one.
        var received = (await resumed.GetAttributeAsync("data-received"))!.Split('-').Select(int.Parse).ToArray();
        Assert.True(received[0] > 10, $"resumed from chunk {received[0]}");
        Assert.Equal(BrowserServer.ReplyTokens - 1, received[1]);
        Assert.Equal(BrowserServer.FullReply(prompt), await resumed.Locator(".text").TextContentAsync());
        Assert.Equal(BrowserServer.FullReply(prompt), await StoredReplyAsync(prompt));
    }

    private async Task<IPage> OpenChatAsync()
    {
        var page = await chromium.NewPageAsync();
        await page.GotoAsync(new Uri(server.Client.BaseAddress!, "/chat").ToString());
        await page.Locator("body[data-ready]").WaitForAsync();
        await Assertions.Expect(page.Locator("#persona option")).Not.ToHaveCountAsync(0);
        return page;
    }

    private static async Task SendAsync(IPage page, string prompt)
    {
        await page.Locator("#prompt").FillAsync(prompt);
        await page.Locator("#send").ClickAsync();
    }

    // The assistant message stored in the conversation whose user message is the prompt.
    private Task<string?> StoredReplyAsync(string prompt) => server.ReadAsync(async db =>
    {
        var conversationId = await db.Messages.Where(m => m.Content == prompt).Select(m => m.ConversationId).SingleAsync();
        return await db.Messages.Where(m => m.ConversationId == conversationId && m.Role == MessageRole.Assistant)
            .Select(m => m.Content).SingleOrDefaultAsync();
    });
}
