using System.Text.Json.Nodes;
using LlmPlatform.Data.Entities;
using LlmPlatform.Graph.Tests.Infrastructure;

namespace LlmPlatform.Graph.Tests.Transport.WebSockets;

/// <summary>
/// The legacy `graphql-ws` subprotocol of subscriptions-transport-ws, for Apollo's older clients, with raw messages
/// over a real socket (no client package of that protocol is installed).
/// </summary>
public sealed class SubscriptionsTransportWsProtocolTests(StreamingServer server) : IClassFixture<StreamingServer>
{
    private const string Subprotocol = "graphql-ws";

    private async Task<TestWebSocket> ConnectAsync(bool init = true)
    {
        var socket = await TestWebSocket.ConnectAsync(server, Subprotocol);
        Assert.Equal(Subprotocol, socket.SubProtocol);
        if (init)
        {
            await socket.SendAsync("connection_init", payload: new JsonObject());
            Assert.Equal("connection_ack", (await socket.ReceiveAsync()).String("type"));
        }
        return socket;
    }

    [Fact]
    public async Task ConnectionInit_First_AcknowledgedThenKeepAlive()
    {
        await using var socket = await ConnectAsync(init: false);

        await socket.SendAsync("connection_init", payload: new JsonObject());

        Assert.Equal("connection_ack", (await socket.ReceiveAsync(skipKeepAlive: false)).String("type"));
        Assert.Equal("ka", (await socket.ReceiveAsync(skipKeepAlive: false)).String("type"));
    }

    [Fact]
    public async Task ConnectionInit_SentTwice_ConnectionErrorAndTheConnectionStillServes()
    {
        await using var socket = await ConnectAsync();

        await socket.SendAsync("connection_init");

        Assert.Equal("connection_error", (await socket.ReceiveAsync()).String("type"));
        await socket.SendOperationAsync("start", "q", "{ __typename }");
        Assert.Equal("data", (await socket.ReceiveAsync()).String("type"));
    }

    [Fact]
    public async Task Start_BeforeConnectionInit_ConnectionErrorAndNothingRuns()
    {
        await using var socket = await ConnectAsync(init: false);

        await socket.SendOperationAsync("start", "q", "{ __typename }");

        var message = await socket.ReceiveAsync();
        Assert.Equal("connection_error", message.String("type"));
        Assert.Equal("NOT_INITIALISED", message.String("payload.extensions.code"));
    }

    [Fact]
    public async Task Start_Query_DataThenComplete()
    {
        await using var socket = await ConnectAsync();

        await socket.SendOperationAsync("start", "q1", "{ __typename }");

        var messages = await socket.ReceiveOperationAsync("q1", "complete", "error");
        Assert.Equal(["data", "complete"], messages.Select(m => m.String("type")));
        Assert.Equal("Query", messages[0].String("payload.data.__typename"));
    }

    [Fact]
    public async Task Start_Generate_StreamsDataInOrderThenComplete()
    {
        await using var socket = await ConnectAsync();

        await socket.SendOperationAsync("start", "g1", GenerationStreams.Generate, GenerationStreams.Input(GenerationStreams.UniquePrompt(), maxTokens: 5));

        var messages = await socket.ReceiveOperationAsync("g1", "complete", "error");
        Assert.Equal("complete", messages[^1].String("type"));
        Assert.All(messages[..^1], m => Assert.Equal("data", m.String("type")));
        var streamed = GenerationStreams.Read(messages[..^1].Select(m => m["payload"])).ShouldHaveCompletedWithItsChunks();
        Assert.Equal(5, streamed.Chunks.Count);
    }

    [Fact]
    public async Task Start_InvalidDocument_DataWithTheErrorsThenComplete()
    {
        await using var socket = await ConnectAsync();

        await socket.SendOperationAsync("start", "bad", "subscription { noSuchField }");

        var messages = await socket.ReceiveOperationAsync("bad", "complete", "error");
        Assert.Equal(["data", "complete"], messages.Select(m => m.String("type")));
        var errors = messages[0].At("payload.errors")!.AsArray();
        Assert.Contains("noSuchField", errors[0]!.String("message"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "type": "start", "id": "1" }""")]
    [InlineData("""{ "type": "start", "payload": { "query": "{ __typename }" } }""")]
    [InlineData("""{ "type": "no_such_type", "id": "1" }""")]
    [InlineData("not json")]
    public async Task Message_Invalid_ErrorAndTheConnectionStillServes(string message)
    {
        await using var socket = await ConnectAsync();

        await socket.SendTextAsync(message);

        var answer = await socket.ReceiveAsync();
        Assert.Equal("error", answer.String("type"));
        Assert.Equal("BAD_REQUEST", answer.String("payload.extensions.code"));
        await socket.SendOperationAsync("start", "q", "{ __typename }");
        Assert.Equal("data", (await socket.ReceiveAsync()).String("type"));
    }

    [Fact]
    public async Task Start_IdOfARunningOperation_ErrorAndTheFirstKeepsRunning()
    {
        await using var socket = await ConnectAsync();
        await socket.SendOperationAsync("start", "same", GenerationStreams.Generate, GenerationStreams.Input(GenerationStreams.UniquePrompt(), maxTokens: 10));
        Assert.Equal("data", (await socket.ReceiveAsync()).String("type"));

        await socket.SendOperationAsync("start", "same", "{ __typename }");

        var messages = await socket.ReceiveOperationAsync("same", "complete");
        var duplicate = Assert.Single(messages, m => m.String("type") == "error");
        Assert.Equal("DUPLICATE_ID", duplicate.String("payload.extensions.code"));
        Assert.Equal("GenerationCompleted", messages.Last(m => m.String("type") == "data").String("payload.data.generate.__typename"));
    }

    [Fact]
    public async Task Stop_RunningSubscription_NoMoreDataAndItsGenerationCancelled()
    {
        await using var socket = await ConnectAsync();
        await socket.SendOperationAsync("start", "g", GenerationStreams.Generate, GenerationStreams.Input(GenerationStreams.UniquePrompt(), maxTokens: StreamingServer.ReplyTokens));
        var generationId = GenerationStreams.DecodeGenerationId((await socket.ReceiveAsync()).String("payload.data.generate.generation.id"));
        Assert.Equal("TokenChunk", (await socket.ReceiveAsync()).String("payload.data.generate.__typename"));

        await socket.SendAsync("stop", "g");

        var (reply, usage) = await server.WaitForStoredReplyAsync(generationId);
        Assert.Equal(FinishReason.Cancelled, reply.FinishReason);
        Assert.Equal(GenerationStatus.Cancelled, usage.Status);
        // Messages are handled in order: whatever arrives for "g" was sent before the stop was handled.
        await socket.SendOperationAsync("start", "q", "{ __typename }");
        var untilQuery = await socket.ReceiveOperationAsync("q", "complete");
        await socket.SendOperationAsync("start", "q2", "{ __typename }");
        var afterQuery = await socket.ReceiveOperationAsync("q2", "complete");
        Assert.DoesNotContain(untilQuery.Concat(afterQuery), m => m.String("id") == "g" && m.String("type") != "data");
        Assert.DoesNotContain(afterQuery, m => m.String("id") == "g");
    }

    [Fact]
    public async Task ConnectionTerminate_RunningSubscription_ClosesTheSocketAndCancelsItsGeneration()
    {
        await using var socket = await ConnectAsync();
        await socket.SendOperationAsync("start", "g", GenerationStreams.Generate, GenerationStreams.Input(GenerationStreams.UniquePrompt(), maxTokens: StreamingServer.ReplyTokens));
        var generationId = GenerationStreams.DecodeGenerationId((await socket.ReceiveAsync()).String("payload.data.generate.generation.id"));

        await socket.SendAsync("connection_terminate");

        Assert.Equal(1000, (await socket.ReceiveCloseAsync())?.Code);
        var (reply, _) = await server.WaitForStoredReplyAsync(generationId);
        Assert.Equal(FinishReason.Cancelled, reply.FinishReason);
    }
}
