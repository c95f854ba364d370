using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace LlmPlatform.Graph.Tests.Browsers;

/// <summary>
/// Banana Cake Pop at /graphql in a real browser: it loads from this server alone, introspects the schema, runs a
/// query over HTTP and streams <c>generate</c> over graphql-transport-ws.
/// </summary>
public sealed class ExplorerBrowserTests(BrowserServer server, Chromium chromium) : IClassFixture<BrowserServer>, IClassFixture<Chromium>
{
    // 12 MB of script on a busy 2-core machine: the explorer may take a while to draw itself.
    private static readonly PageWaitForSelectorOptions Loading = new() { Timeout = 120_000 };

    [Fact]
    public async Task Explorer_LoadsFromTheServerAlone_IntrospectsRunsAQueryAndStreamsASubscription()
    {
        var requests = new List<string>();
        var page = await chromium.NewPageAsync(requests);
        var frames = new List<string>();
        var sockets = new List<string>();
        page.WebSocket += (_, socket) =>
        {
            lock (sockets) sockets.Add(socket.Url);
            socket.FrameSent += (_, frame) => { lock (frames) frames.Add("sent " + frame.Text); };
            socket.FrameReceived += (_, frame) => { lock (frames) frames.Add("received " + frame.Text); };
        };

        var posts = new List<string>();
        page.Request += (_, request) => { if (request.Method != "GET") lock (posts) posts.Add($"{request.Method} {request.Url} {string.Join(";", request.Headers.Select(h => h.Key + "=" + h.Value))} {request.PostData}"); };
        try
        {
            await UseExplorerAsync(page, frames, sockets);
        }
        catch (Exception e)
        {
            await Chromium.ScreenshotAsync(page, "explorer-failed");
            lock (posts)
                throw new InvalidOperationException(string.Join("\n", posts), e);
        }
        lock (requests)
            Assert.All(requests, url => Assert.True(IsThisServer(url), $"a request left the server: {url}"));
    }

    private async Task UseExplorerAsync(IPage page, List<string> frames, List<string> sockets)
    {
        await page.GotoAsync(server.GraphQLEndpoint.ToString());
        await page.WaitForSelectorAsync("text=Create Document", Loading);
        var introspection = WaitForGraphQLAsync(page, "__schema");
        await page.ClickAsync("text=Create Document");
        var schema = await introspection;
        Assert.Equal(200, schema.Status);
        Assert.Contains("\"generate\"", await schema.TextAsync(), StringComparison.Ordinal);

        await ReplaceDocumentAsync(page, "query Personas { personas(first: 2) { totalCount nodes { name } } }");
        await Assertions.Expect(page.Locator("text=Personas").First).ToBeVisibleAsync();
        var answer = await RunUntilSentAsync(page, "personas(first: 2)");
        Assert.Equal(200, answer.Status);
        Assert.Matches("\"totalCount\":\\s*[1-9]", await answer.TextAsync());
        await Assertions.Expect(page.Locator("text=totalCount").Last).ToBeVisibleAsync();
        await Chromium.ScreenshotAsync(page, "explorer-query");

        await ReplaceDocumentAsync(page,
            "subscription Stream { generate(input: { prompt: \"hello from the explorer\", maxTokens: 8 }) { __typename ... on TokenChunk { index text } } }");
        // The operation builder lists the document's operation once the explorer has parsed it: then Run runs it.
        await Assertions.Expect(page.Locator("text=Stream").First).ToBeVisibleAsync();
        for (var attempt = 1; attempt <= 10; attempt++)
        {
            await RunAsync(page);
            if (await WithinAsync(TimeSpan.FromSeconds(3), () => { lock (frames) return frames.Any(f => f.Contains("\"subscribe\"", StringComparison.Ordinal) && f.Contains("generate", StringComparison.Ordinal)); }))
                break;
        }
        await WaitUntilAsync(() => { lock (frames) return frames.Any(f => f.Contains("GenerationCompleted", StringComparison.Ordinal)); });
        await Assertions.Expect(page.Locator("text=GenerationCompleted").Last).ToBeVisibleAsync();
        await Chromium.ScreenshotAsync(page, "explorer-subscription");

        lock (sockets)
            Assert.Equal([new UriBuilder(server.GraphQLEndpoint) { Scheme = "ws" }.Uri.ToString()], sockets.Distinct());
        lock (frames)
        {
            Assert.Contains(frames, f => f.StartsWith("sent ", StringComparison.Ordinal) && f.Contains("\"connection_init\"", StringComparison.Ordinal));
            var indexes = frames.Select(f => Regex.Match(f, "\"index\":(\\d+)")).Where(m => m.Success).Select(m => int.Parse(m.Groups[1].Value)).ToList();
            Assert.Equal(Enumerable.Range(0, 8), indexes);
        }
    }

    private Task<IResponse> WaitForGraphQLAsync(IPage page, string documentPart) =>
        page.WaitForResponseAsync(response =>
            response.Request.Method == "POST" && response.Url == server.GraphQLEndpoint.ToString()
            && (response.Request.PostData?.Contains(documentPart, StringComparison.Ordinal) ?? false),
            new PageWaitForResponseOptions { Timeout = 60_000 });

    // Inserted, not typed: typing into the editor would get brackets closed for us.
    private static async Task ReplaceDocumentAsync(IPage page, string document)
    {
        await page.Locator(".monaco-editor").First.ClickAsync();
        await page.Keyboard.PressAsync("Control+A");
        await page.Keyboard.PressAsync("Delete");
        await page.Keyboard.InsertTextAsync(document);
    }

    private static Task RunAsync(IPage page) => page.Locator("button:has-text('Run')").First.ClickAsync();

    // The explorer takes a moment to hand an edited document to its Run button (on a loaded machine it has sent the
    // previous, empty one): run again until the request carries the document.
    private async Task<IResponse> RunUntilSentAsync(IPage page, string documentPart)
    {
        for (var attempt = 1; ; attempt++)
        {
            var sent = page.WaitForResponseAsync(response =>
                response.Request.Method == "POST" && response.Url == server.GraphQLEndpoint.ToString()
                && (response.Request.PostData?.Contains(documentPart, StringComparison.Ordinal) ?? false),
                new PageWaitForResponseOptions { Timeout = attempt < 10 ? 3_000 : 60_000 });
            await RunAsync(page);
            try
            {
                return await sent;
            }
            catch (TimeoutException) when (attempt < 10)
            {
                // Not this time: run again.
            }
        }
    }

    private static async Task<bool> WithinAsync(TimeSpan time, Func<bool> condition)
    {
        var until = DateTime.UtcNow + time;
        while (!condition())
        {
            if (DateTime.UtcNow > until)
                return false;
            await Task.Delay(100);
        }
        return true;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (!condition())
            await Task.Delay(100, timeout.Token);
    }

    private bool IsThisServer(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri)
        && (uri.Scheme is "blob" or "data" || (uri.Scheme == "http" && uri.Authority == server.GraphQLEndpoint.Authority));
}
