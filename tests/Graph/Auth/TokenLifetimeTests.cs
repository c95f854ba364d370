using System.Net;
using LlmPlatform.Graph.Tests.Infrastructure;
using LlmPlatform.Graph.Tests.Transport.Sse;
using LlmPlatform.Graph.Tests.Transport.WebSockets;

namespace LlmPlatform.Graph.Tests.Auth;

/// <summary>Access tokens that live three seconds: long-lived streams end with TOKEN_EXPIRED, requests get 401.</summary>
public sealed class TokenLifetimeTests(TokenLifetimeTests.ShortTokenServer server) : IClassFixture<TokenLifetimeTests.ShortTokenServer>
{
    public sealed class ShortTokenServer : SqliteAuthServer
    {
        public ShortTokenServer() => Set("Auth:AccessTokenLifetime", "00:00:03");
    }

    [Fact]
    public async Task TransportWs_TokenExpiresMidStream_OperationEndsWithTokenExpired()
    {
        var (_, token) = await server.SignUpAsync();
        await using var socket = await TestWebSocket.ConnectAsync(server, "graphql-transport-ws");
        await socket.SendAsync("connection_init", payload: new System.Text.Json.Nodes.JsonObject { ["authorization"] = "Bearer " + token });
        await socket.ReceiveAsync();

        // 1,000 tokens at 20 ms: still streaming when the token runs out.
        await socket.SendOperationAsync("subscribe", "1", GenerationStreams.Generate, GenerationStreams.Input(GenerationStreams.UniquePrompt(), StreamingServer.ReplyTokens));
        var messages = await socket.ReceiveOperationAsync("1", "error", "complete");

        Assert.Contains(messages, m => m.ToJsonString().Contains("TokenChunk", StringComparison.Ordinal));
        Assert.Equal("error", messages[^1].String("type"));
        Assert.Equal("TOKEN_EXPIRED", messages[^1]["payload"]![0]!.String("extensions.code"));
        await socket.SendOperationAsync("subscribe", "2", "{ __typename }");
        Assert.Equal("TOKEN_EXPIRED", (await socket.ReceiveOperationAsync("2", "error", "complete"))[^1]["payload"]![0]!.String("extensions.code"));
    }

    [Fact]
    public async Task Sse_TokenExpiresMidStream_StreamEndsWithTokenExpired()
    {
        var (_, token) = await server.SignUpAsync();
        await using var stream = await SseStream.PostOperationAsync(server, GenerationStreams.Generate,
            GenerationStreams.Input(GenerationStreams.UniquePrompt(), StreamingServer.ReplyTokens), token);

        (string Event, string Data)? last = null;
        var chunks = 0;
        while (await stream.ReadEventAsync() is { } e && e.Event != "complete")
        {
            last = e;
            chunks += e.Data.Contains("TokenChunk", StringComparison.Ordinal) ? 1 : 0;
        }

        Assert.True(chunks > 0);
        Assert.Contains("TOKEN_EXPIRED", last?.Data, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Http_ExpiredToken_401()
    {
        var (_, token) = await server.SignUpAsync();
        using (var fresh = await server.PostGraphQLRawWithTokenAsync(token, "{ me { email } }"))
            Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);

        await Task.Delay(TimeSpan.FromSeconds(4));
        using var expired = await server.PostGraphQLRawWithTokenAsync(token, "{ me { email } }");

        Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
    }
}
