using System.Net;
using System.Net.WebSockets;
using System.Text.Json.Nodes;
using LlmPlatform.Graph.Tests.Infrastructure;
using LlmPlatform.Graph.Tests.Transport.Sse;
using LlmPlatform.Graph.Tests.Transport.WebSockets;

namespace LlmPlatform.Graph.Tests.Auth;

/// <summary>Tokens on the streaming transports: in graphql-transport-ws's init payload, in the upgrade or SSE request's header.</summary>
public sealed class StreamingAuthTests(SqliteAuthServer server) : IClassFixture<SqliteAuthServer>
{
    private const string TransportWs = "graphql-transport-ws";
    private const string Me = "{ me { email } }";

    private static JsonObject Authorization(string token) => new() { ["authorization"] = "Bearer " + token };

    [Fact]
    public async Task TransportWs_TokenInInitPayload_OperationsActAsTheUser()
    {
        var (email, token) = await server.SignUpAsync();
        await using var socket = await TestWebSocket.ConnectAsync(server, TransportWs);

        await socket.SendAsync("connection_init", payload: Authorization(token));
        Assert.Equal("connection_ack", (await socket.ReceiveAsync()).String("type"));
        await socket.SendOperationAsync("subscribe", "1", Me);

        var next = (await socket.ReceiveOperationAsync("1", "complete"))[0];
        Assert.Equal(email, next.String("payload.data.me.email"));
    }

    [Fact]
    public async Task TransportWs_TokenInUpgradeHeader_OperationsActAsTheUser()
    {
        var (email, token) = await server.SignUpAsync();
        await using var socket = await TestWebSocket.ConnectAsync(server, TransportWs, authorization: "Bearer " + token);

        await socket.InitAsync();
        await socket.SendOperationAsync("subscribe", "1", Me);

        Assert.Equal(email, (await socket.ReceiveOperationAsync("1", "complete"))[0].String("payload.data.me.email"));
    }

    [Theory]
    [InlineData("Bearer not-a-token")]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData("")]
    public async Task TransportWs_InvalidTokenInInitPayload_ClosedWith4403(string authorization)
    {
        await using var socket = await TestWebSocket.ConnectAsync(server, TransportWs);

        await socket.SendAsync("connection_init", payload: new JsonObject { ["authorization"] = authorization });

        Assert.Equal((4403, "Forbidden"), await socket.ReceiveCloseAsync());
    }

    [Fact]
    public async Task LegacyGraphQLWs_InvalidTokenInInitPayload_ConnectionErrorThenClosed()
    {
        await using var socket = await TestWebSocket.ConnectAsync(server, "graphql-ws");

        await socket.SendAsync("connection_init", payload: new JsonObject { ["authorization"] = "Bearer not-a-token" });

        var error = await socket.ReceiveAsync();
        Assert.Equal("connection_error", error.String("type"));
        Assert.Equal("FORBIDDEN", error.String("payload.extensions.code"));
        Assert.Equal(4403, (await socket.ReceiveCloseAsync())?.Code);
    }

    [Fact]
    public async Task WebSocket_InvalidTokenInUpgradeHeader_UpgradeRefusedWith401()
    {
        var exception = await Assert.ThrowsAsync<WebSocketException>(() =>
            TestWebSocket.ConnectAsync(server, TransportWs, authorization: "Bearer not-a-token"));

        Assert.Contains("401", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TransportWs_NoToken_GenerateRefusedUnauthenticated()
    {
        await using var socket = await TestWebSocket.ConnectAsync(server, TransportWs);
        await socket.InitAsync();
        var before = await server.CountPromptsAsync();

        await socket.SendOperationAsync("subscribe", "1", GenerationStreams.Generate, GenerationStreams.Input(GenerationStreams.UniquePrompt(), 3));

        var error = (await socket.ReceiveOperationAsync("1", "error", "complete")).Last();
        Assert.Equal("error", error.String("type"));
        Assert.Equal("UNAUTHENTICATED", error["payload"]![0]!.String("extensions.code"));
        Assert.Equal(before, await server.CountPromptsAsync());
    }

    [Fact]
    public async Task TransportWs_SomeoneElsesGeneration_NotFoundAndItKeepsRunning()
    {
        var (_, owner) = await server.SignUpAsync();
        var (_, stranger) = await server.SignUpAsync();
        var started = await server.PostGraphQLWithTokenAsync(owner, GenerationStreams.Start, GenerationStreams.Input(GenerationStreams.UniquePrompt(), 200));
        var generationId = started["data"]!["startGeneration"]!["generation"]!["id"]!.GetValue<string>();
        await using var socket = await TestWebSocket.ConnectAsync(server, TransportWs);
        await socket.SendAsync("connection_init", payload: Authorization(stranger));
        await socket.ReceiveAsync();

        await socket.SendOperationAsync("subscribe", "1", GenerationStreams.Watch, GenerationStreams.WatchVariables(generationId));

        var messages = await socket.ReceiveOperationAsync("1", "error", "complete");
        Assert.DoesNotContain(messages, m => m.String("type") == "next" && m.ToJsonString().Contains("TokenChunk", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.ToJsonString().Contains("NOT_FOUND", StringComparison.Ordinal));
        var (reply, _) = await server.WaitForStoredReplyAsync(GenerationStreams.DecodeGenerationId(generationId));
        Assert.NotEmpty(reply.Content);
    }

    [Fact]
    public async Task Sse_TokenInHeader_StreamsAsTheUser()
    {
        var (email, token) = await server.SignUpAsync();
        await using var stream = await SseStream.PostOperationAsync(server, Me, token: token);

        var next = await stream.ReadEventAsync();

        Assert.Equal("next", next?.Event);
        Assert.Equal(email, JsonNode.Parse(next!.Value.Data)!.String("data.me.email"));
    }

    [Fact]
    public async Task Sse_InvalidToken_401BeforeAnyStream()
    {
        await using var stream = await SseStream.PostOperationAsync(server, Me, token: "not-a-token");

        Assert.Equal(HttpStatusCode.Unauthorized, stream.Response.StatusCode);
    }

    [Fact]
    public async Task Sse_SomeoneElsesGeneration_NotFound()
    {
        var (_, owner) = await server.SignUpAsync();
        var (_, stranger) = await server.SignUpAsync();
        var started = await server.PostGraphQLWithTokenAsync(owner, GenerationStreams.Start, GenerationStreams.Input(GenerationStreams.UniquePrompt(), 200));
        var generationId = started["data"]!["startGeneration"]!["generation"]!["id"]!.GetValue<string>();

        await using var stream = await SseStream.PostOperationAsync(server, GenerationStreams.Watch, GenerationStreams.WatchVariables(generationId), stranger);

        var next = await stream.ReadEventAsync();
        Assert.Contains("NOT_FOUND", next?.Data, StringComparison.Ordinal);
        Assert.Equal("complete", (await stream.ReadEventAsync())?.Event);
    }

    [Theory]
    [InlineData(ReferenceClients.GraphQLWs)]
    [InlineData(ReferenceClients.GraphQLSse)]
    public async Task ReferenceClient_WithToken_GeneratesAsTheUser(string client)
    {
        var (_, token) = await server.SignUpAsync();
        var prompt = GenerationStreams.UniquePrompt();

        var outcome = (await ReferenceClients.RunWithTokenAsync(server, client, token, (GenerationStreams.Generate, GenerationStreams.Input(prompt, 5))))[0];

        var streamed = GenerationStreams.Read(outcome.ShouldHaveCompleted().Results).ShouldHaveCompletedWithItsChunks();
        var mine = await server.PostGraphQLWithTokenAsync(token, "query($id: ID!) { generation(id: $id) { id } }", new { id = streamed.GenerationId });
        Assert.NotNull(mine["data"]!["generation"]);
    }
}
