using System.Net;
using System.Net.Sockets;
using LlmPlatform.Graph.Tests.Infrastructure;
using Microsoft.Playwright;

namespace LlmPlatform.Graph.Tests.Browsers;

/// <summary>
/// The chat page where a token is needed: it signs in with the authorization code flow and PKCE (client
/// <c>llmplatform-explorer</c>, the server's own sign-in page), then streams a reply as that user.
/// </summary>
public sealed class ChatSignInBrowserTests(ChatSignInBrowserTests.SignInServer server, Chromium chromium)
    : IClassFixture<ChatSignInBrowserTests.SignInServer>, IClassFixture<Chromium>
{
    [Fact]
    public async Task SignIn_WithPkce_ThenStreamsAsThatUser()
    {
        var email = await server.RegisterAsync();
        var page = await chromium.NewPageAsync();

        await page.GotoAsync(new Uri(server.Client.BaseAddress!, "/chat").ToString());
        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("Sign in to chat.");
        await page.Locator("#sign-in").ClickAsync();
        await page.Locator("#email").FillAsync(email);
        await page.Locator("#password").FillAsync(Accounts.Password);
        await page.Locator("button[type=submit]").ClickAsync();

        await page.Locator("body[data-ready]").WaitForAsync();
        Assert.Equal(new Uri(server.Client.BaseAddress!, "/chat").ToString(), page.Url);
        await Assertions.Expect(page.Locator("#who")).ToHaveTextAsync(email);
        await page.Locator("#prompt").FillAsync("Hello as myself");
        await page.Locator("#send").ClickAsync();
        await Assertions.Expect(page.Locator("#status")).ToHaveTextAsync("Done.");
        await Chromium.ScreenshotAsync(page, "chat-signed-in");

        var stored = await page.EvaluateAsync<string>("sessionStorage.getItem('chat.conversationId')");
        var owner = await server.PostGraphQLWithTokenAsync(await TokenAsync(email),
            "query($id: ID!) { node(id: $id) { ... on Conversation { title } } }", new { id = System.Text.Json.JsonSerializer.Deserialize<string>(stored) });
        Assert.Equal("Hello as myself", owner["data"]!["node"]!["title"]!.GetValue<string>());
    }

    private async Task<string> TokenAsync(string email) =>
        (await server.PasswordGrantAsync(email))["access_token"]!.GetValue<string>();

    /// <summary>Outside Development (a token is needed), with the chat page on and its address as a redirect URI.</summary>
    public sealed class SignInServer : ConfiguredSqliteServer
    {
        private readonly int _port = FreePort();

        public SignInServer()
        {
            Set("Auth:AnonymousAsLocalUser", "false");
            Set("Auth:RequireHttps", "false");
            Set("Chat:Enabled", "true");
            Set("Auth:ExplorerRedirectUris:0", $"http://127.0.0.1:{_port}/chat");
        }

        protected override int Port => _port;

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            return port;
        }
    }
}
