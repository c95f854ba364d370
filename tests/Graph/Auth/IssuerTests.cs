using System.Net;
using System.Text.Json.Nodes;
using LlmPlatform.Graph.Tests.Infrastructure;
using LlmPlatform.Graph.Tests.Transport.Sse;
using LlmPlatform.Graph.Tests.Transport.WebSockets;

namespace LlmPlatform.Graph.Tests.Auth;

/// <summary>
/// Two instances on one PostgreSQL database with the same certificates, as behind a load balancer: with
/// <c>Auth:Issuer</c>, a token issued by A, reached as <c>localhost</c>, is accepted by B, reached as
/// <c>127.0.0.1</c>, over HTTP, graphql-transport-ws and SSE; without it, B refuses that token.
/// </summary>
public sealed class IssuerTests
{
    private const string Issuer = "https://api.llmplatform.test/";
    private const string Me = "{ me { email } }";

    [Fact]
    public async Task TokenFromAViaLocalhost_WithIssuer_IsValidOnBVia127001_OverHttpWebSocketAndSse()
    {
        await using var instances = await TwoInstances(Issuer);
        var (email, token) = await SignUpViaLocalhostAsync(instances[0]);

        var http = await instances[1].PostGraphQLWithTokenAsync(token, Me);
        Assert.Equal(email, http["data"]?["me"]?["email"]?.GetValue<string>());

        await using (var socket = await TestWebSocket.ConnectAsync(instances[1], "graphql-transport-ws"))
        {
            await socket.SendAsync("connection_init", payload: new JsonObject { ["authorization"] = "Bearer " + token });
            Assert.Equal("connection_ack", (await socket.ReceiveAsync()).String("type"));
            await socket.SendOperationAsync("subscribe", "1", Me);
            Assert.Equal(email, (await socket.ReceiveOperationAsync("1", "complete"))[0].String("payload.data.me.email"));
        }

        await using var sse = await SseStream.PostOperationAsync(instances[1], Me, token: token);
        Assert.Equal(HttpStatusCode.OK, sse.Response.StatusCode);
        var next = await sse.ReadEventAsync();
        Assert.Equal("next", next?.Event);
        Assert.Equal(email, JsonNode.Parse(next!.Value.Data)?["data"]?["me"]?["email"]?.GetValue<string>());
    }

    [Fact]
    public async Task TokenFromAViaLocalhost_WithoutIssuer_IsRefusedOnBVia127001()
    {
        await using var instances = await TwoInstances(issuer: null);
        var (_, token) = await SignUpViaLocalhostAsync(instances[0]);

        using var response = await instances[1].PostGraphQLRawWithTokenAsync(token, Me);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("api.example.test")]
    [InlineData("/relative/")]
    public async Task Start_IssuerNotAnAbsoluteUri_FailsNamingTheSetting(string issuer)
    {
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => TestServers.Sqlite().With("Auth:Issuer", issuer).StartAsync());

        Assert.Contains("Auth:Issuer", failure.ToString(), StringComparison.Ordinal);
    }

    private static Task<TestInstances> TwoInstances(string? issuer)
    {
        var servers = TestServers.Postgres().WithCertificates().With("Auth:Issuer", issuer).Instances(2);
        AuthSettings.Apply((key, value) => servers.With(key, value));
        return servers.StartAsync();
    }

    /// <summary>Registers on <paramref name="server"/> and signs in through its address as <c>localhost</c>.</summary>
    private static async Task<(string Email, string Token)> SignUpViaLocalhostAsync(PlatformServer server)
    {
        var email = await server.RegisterAsync();
        using var localhost = new HttpClient { BaseAddress = new UriBuilder(server.Client.BaseAddress!) { Host = "localhost" }.Uri };
        using var response = await localhost.PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "password",
            ["client_id"] = Accounts.FirstPartyClient,
            ["username"] = email,
            ["password"] = Accounts.Password,
            ["scope"] = "api",
        }));
        var token = await Accounts.ReadTokenAsync(response);
        return (email, token["access_token"]!.GetValue<string>());
    }
}
