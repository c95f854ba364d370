using System.Net;
using System.Text.Json.Nodes;
using LlmPlatform.Graph.Tests.Infrastructure;

namespace LlmPlatform.Graph.Tests.Ide;

/// <summary>
/// The explorer over HTTP: a browser's GET of /graphql gets Banana Cake Pop, configured for this endpoint and
/// graphql-transport-ws and with its licence; every other request to /graphql is GraphQL as before; and it is off
/// unless enabled outside Development (the chat page too).
/// </summary>
public sealed class IdeTests(IdeTests.PagesServer server) : IClassFixture<IdeTests.PagesServer>
{
    private const string BrowserAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

    [Fact]
    public async Task BrowserGet_RedirectsToTheExplorerPage()
    {
        using var client = NoRedirects(server);
        using var redirect = await GetAsync(client, "/graphql", BrowserAccept);
        using var page = await GetAsync(client, "/graphql/", BrowserAccept);

        Assert.Equal(HttpStatusCode.Found, redirect.StatusCode);
        Assert.Equal("/graphql/", redirect.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType!.MediaType);
        Assert.Contains("<title>Banana Cake Pop</title>", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExplorerConfig_PointsAtThisEndpointOverGraphQLTransportWs_WithoutTelemetry()
    {
        var config = JsonNode.Parse(await server.Client.GetStringAsync("/graphql/bcp-config.json"))!;

        Assert.True(config["useBrowserUrlAsEndpoint"]!.GetValue<bool>());
        Assert.Equal("graphql-transport-ws", config["subscriptionProtocol"]!.GetValue<string>());
        Assert.True(config["disableTelemetry"]!.GetValue<bool>());
    }

    [Fact]
    public async Task ExplorerLicence_IsServed()
    {
        var licence = await server.Client.GetStringAsync("/graphql/LICENSE.txt");

        Assert.Contains("ChilliCream License 1.0", licence, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/graphql?query=%7B__typename%7D", BrowserAccept)] // a browser asking for a result gets the result
    [InlineData("/graphql?query=%7B__typename%7D", "*/*")]
    public async Task GetWithQuery_IsStillGraphQL(string path, string accept)
    {
        using var client = NoRedirects(server);
        using var response = await GetAsync(client, path, accept);

        Assert.NotEqual(HttpStatusCode.Found, response.StatusCode);
        Assert.Contains("__typename", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetWithoutHtmlAccept_IsStillGraphQL()
    {
        using var client = NoRedirects(server);
        using var response = await GetAsync(client, "/graphql", "*/*");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain("<html", await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task ChatPage_IsServedWithItsBundledScript()
    {
        using var page = await GetAsync(server.Client, "/chat", BrowserAccept);
        var script = await server.Client.GetStringAsync("/chat/chat.js");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("chat/chat.js", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        // graphql-ws is bundled in, not fetched from anywhere at run time.
        Assert.Contains("graphql-transport-ws", script, StringComparison.Ordinal);
        Assert.DoesNotContain("from 'graphql-ws'", script, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OutsideDevelopment_ByDefault_NeitherExplorerNorChat()
    {
        await using var plain = new PlainServer();
        await plain.InitializeAsync();
        using var client = NoRedirects(plain);

        using var explorer = await GetAsync(client, "/graphql", BrowserAccept);
        using var chat = await GetAsync(client, "/chat", BrowserAccept);

        Assert.NotEqual(HttpStatusCode.Found, explorer.StatusCode);
        Assert.DoesNotContain("Banana Cake Pop", await explorer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, chat.StatusCode);
    }

    private static HttpClient NoRedirects(PlatformServer server) =>
        new(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = server.Client.BaseAddress };

    private static Task<HttpResponseMessage> GetAsync(HttpClient client, string path, string accept)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd(accept);
        return client.SendAsync(request);
    }

    public sealed class PagesServer : ConfiguredSqliteServer
    {
        public PagesServer()
        {
            Set("Ide:Enabled", "true");
            Set("Chat:Enabled", "true");
        }
    }

    private sealed class PlainServer : ConfiguredSqliteServer, IAsyncDisposable
    {
        async ValueTask IAsyncDisposable.DisposeAsync() => await DisposeAsync();
    }
}
