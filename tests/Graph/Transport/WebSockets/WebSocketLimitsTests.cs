using System.Text.Json.Nodes;
using LlmPlatform.Graph.Tests.Infrastructure;

namespace LlmPlatform.Graph.Tests.Transport.WebSockets;

/// <summary>The engine's limits, the message size and the operations cap, over graphql-transport-ws.</summary>
public sealed class WebSocketLimitsTests(StreamingLimitsServer server) : IClassFixture<StreamingLimitsServer>
{
    // Small enough for the limits: one level under `generate`, no aliases.
    private const string ShortGenerate = """
        subscription Generate($input: GenerateInput!) {
          generate(input: $input) { __typename ... on TokenChunk { index } ... on GenerationCompleted { generationId } }
        }
        """;

    private async Task<TestWebSocket> ConnectAsync()
    {
        var socket = await TestWebSocket.ConnectAsync(server, "graphql-transport-ws");
        await socket.InitAsync();
        return socket;
    }

    [Theory]
    [MemberData(nameof(StreamingLimitsServer.OverTheLimits), MemberType = typeof(StreamingLimitsServer))]
    public async Task Subscribe_OverALimit_ErrorWithTheLimitAndNothingRuns(string query, string code, string messagePart)
    {
        await using var socket = await ConnectAsync();
        var prompts = await server.CountPromptsAsync();

        await socket.SendOperationAsync("subscribe", "over", query);

        var message = await socket.ReceiveAsync();
        Assert.Equal("error", message.String("type"));
        Assert.Equal("over", message.String("id"));
        Assert.Equal(code, message.String("payload[0].extensions.code"));
        Assert.Contains(messagePart, message.String("payload[0].message"), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(prompts, await server.CountPromptsAsync());
        // Refused, not stuck: the connection serves the next operation.
        await socket.SendOperationAsync("subscribe", "next", "{ __typename }");
        Assert.Equal("next", (await socket.ReceiveAsync()).String("type"));
    }

    [Fact]
    public async Task Message_ExactlyTheSizeLimit_Served()
    {
        await using var socket = await ConnectAsync();

        await socket.SendTextAsync(MessageOfSize(StreamingLimitsServer.MaxWebSocketMessageSize));

        Assert.Equal("Query", (await socket.ReceiveAsync()).String("payload.data.__typename"));
    }

    [Fact]
    public async Task Message_OneByteOverTheSizeLimit_ClosedWith1009()
    {
        await using var socket = await ConnectAsync();

        await socket.SendTextAsync(MessageOfSize(StreamingLimitsServer.MaxWebSocketMessageSize + 1));

        Assert.Equal(1009, (await socket.ReceiveCloseAsync())?.Code);
    }

    private static string? EventType(JsonObject message) => message["payload"]?["data"]?["generate"]?["__typename"]?.GetValue<string>();

    private static string MessageOfSize(int bytes)
    {
        var padding = bytes - TestWebSocket.OperationMessage("subscribe", "1", "{ __typename }").Length;
        var message = TestWebSocket.OperationMessage("subscribe", "1", "{" + new string(' ', padding) + " __typename }");
        Assert.Equal(bytes, message.Length);
        return message;
    }

    [Fact]
    public async Task Subscribe_BeyondTheOperationsCap_ErrorTooManyOperationsAndTheOthersKeepRunning()
    {
        const int tokens = 25;
        await using var socket = await ConnectAsync();
        var running = Enumerable.Range(1, StreamingLimitsServer.MaxOperationsPerConnection).Select(i => "run" + i).ToList();
        foreach (var id in running)
            await socket.SendOperationAsync("subscribe", id, ShortGenerate, GenerationStreams.Input(GenerationStreams.UniquePrompt(), tokens));
        var messages = new List<JsonObject>();
        while (running.Any(id => !messages.Any(m => m.String("id") == id && EventType(m) == "TokenChunk")))
            messages.Add(await socket.ReceiveAsync());

        await socket.SendOperationAsync("subscribe", "extra", ShortGenerate, GenerationStreams.Input(GenerationStreams.UniquePrompt(), tokens));

        while (running.Any(id => !messages.Any(m => m.String("id") == id && m.String("type") == "complete")) || !messages.Any(m => m.String("id") == "extra"))
            messages.Add(await socket.ReceiveAsync());
        var refused = Assert.Single(messages, m => m.String("id") == "extra");
        Assert.Equal("error", refused.String("type"));
        Assert.Equal("TOO_MANY_OPERATIONS", refused.String("payload[0].extensions.code"));
        foreach (var id in running)
        {
            var indexes = messages.Where(m => m.String("id") == id && EventType(m) == "TokenChunk")
                .Select(m => m.Int("payload.data.generate.index"));
            Assert.Equal(Enumerable.Range(0, tokens), indexes);
        }
        // The cap counts running operations: once they ended, another runs.
        await socket.SendOperationAsync("subscribe", "later", "{ __typename }");
        Assert.Equal("next", (await socket.ReceiveAsync()).String("type"));
    }
}
