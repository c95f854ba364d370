using System.Text.Json.Nodes;
using LlmPlatform.Data.Entities;
using LlmPlatform.Graph.Tests.Infrastructure;

namespace LlmPlatform.Graph.Tests.Transport.WebSockets;

/// <summary>The graphql-transport-ws subprotocol, message by message, as graphql-ws PROTOCOL.md specifies it, over a raw socket.</summary>
public sealed class GraphQLTransportWsProtocolTests(StreamingServer server) : IClassFixture<StreamingServer>
{
    private const string Subprotocol = "graphql-transport-ws";

    private async Task<TestWebSocket> ConnectAsync(bool init = true)
    {
        var socket = await TestWebSocket.ConnectAsync(server, Subprotocol);
        Assert.Equal(Subprotocol, socket.SubProtocol);
        if (init)
            await socket.InitAsync();
        return socket;
    }

    [Theory]
    [InlineData("graphql-unknown")]
    [InlineData(null)]
    public async Task Connect_SubprotocolNotSpoken_ClosedWith4406(string? subprotocol)
    {
        await using var socket = await TestWebSocket.ConnectAsync(server, subprotocol);

        Assert.Equal(4406, (await socket.ReceiveCloseAsync())?.Code);
    }

    [Fact]
    public async Task ConnectionInit_First_Acknowledged()
    {
        await using var socket = await ConnectAsync(init: false);

        await socket.SendAsync("connection_init", payload: new JsonObject { ["token"] = "ignored" });

        Assert.Equal("connection_ack", (await socket.ReceiveAsync()).String("type"));
    }

    [Fact]
    public async Task ConnectionInit_SentTwice_ClosedWith4429()
    {
        await using var socket = await ConnectAsync();

        await socket.SendAsync("connection_init");

        Assert.Equal(4429, (await socket.ReceiveCloseAsync())?.Code);
    }

    [Fact]
    public async Task Subscribe_BeforeConnectionAck_ClosedWith4401()
    {
        await using var socket = await ConnectAsync(init: false);

        await socket.SendOperationAsync("subscribe", "1", "{ __typename }");

        Assert.Equal(4401, (await socket.ReceiveCloseAsync())?.Code);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Ping_FromClient_AnsweredWithPong(bool initialised)
    {
        await using var socket = await ConnectAsync(init: initialised);

        await socket.SendAsync("ping");

        Assert.Equal("pong", (await socket.ReceiveAsync()).String("type"));
    }

    [Fact]
    public async Task Pong_FromClient_Accepted()
    {
        await using var socket = await ConnectAsync();

        // Unsolicited pongs are allowed (a unidirectional heartbeat): the connection stays usable.
        await socket.SendAsync("pong");
        await socket.SendAsync("ping");

        Assert.Equal("pong", (await socket.ReceiveAsync()).String("type"));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1, 2]")]
    [InlineData("""{ "id": "1" }""")]
    [InlineData("""{ "type": "no_such_type" }""")]
    [InlineData("""{ "type": "subscribe", "payload": { "query": "{ __typename }" } }""")]
    [InlineData("""{ "type": "subscribe", "id": "", "payload": { "query": "{ __typename }" } }""")]
    [InlineData("""{ "type": "subscribe", "id": "1" }""")]
    [InlineData("""{ "type": "subscribe", "id": "1", "payload": { "variables": {} } }""")]
    [InlineData("""{ "type": "complete" }""")]
    public async Task Message_Invalid_ClosedWith4400(string message)
    {
        await using var socket = await ConnectAsync();

        await socket.SendTextAsync(message);

        Assert.Equal(4400, (await socket.ReceiveCloseAsync())?.Code);
    }

    [Fact]
    public async Task Subscribe_Query_OneNextThenComplete()
    {
        await using var socket = await ConnectAsync();

        await socket.SendOperationAsync("subscribe", "q1", "{ __typename }");

        var messages = await socket.ReceiveOperationAsync("q1", "complete", "error");
        Assert.Equal(["next", "complete"], messages.Select(m => m.String("type")));
        Assert.Equal("Query", messages[0].String("payload.data.__typename"));
        Assert.Equal("q1", messages[0].String("id"));
    }

    [Fact]
    public async Task Subscribe_Mutation_OneNextThenComplete()
    {
        await using var socket = await ConnectAsync();

        await socket.SendOperationAsync("subscribe", "m1", GenerationStreams.Start, GenerationStreams.Input(GenerationStreams.UniquePrompt(), maxTokens: 2));

        var messages = await socket.ReceiveOperationAsync("m1", "complete", "error");
        Assert.Equal(["next", "complete"], messages.Select(m => m.String("type")));
        var payload = messages[0].At("payload.data.startGeneration")!;
        Assert.Empty(payload["userErrors"]!.AsArray());
        GenerationStreams.DecodeGenerationId(payload.String("generation.id"));
    }

    [Fact]
    public async Task Subscribe_InvalidDocument_ErrorMessageWithTheErrors()
    {
        await using var socket = await ConnectAsync();

        await socket.SendOperationAsync("subscribe", "bad", "{ noSuchField }");

        var message = await socket.ReceiveAsync();
        Assert.Equal("error", message.String("type"));
        Assert.Equal("bad", message.String("id"));
        var errors = message["payload"]!.AsArray();
        Assert.NotEmpty(errors);
        Assert.Contains("noSuchField", errors[0]!.String("message"), StringComparison.Ordinal);
        // An error ends the operation: its id is free again, and the connection still serves.
        await socket.SendOperationAsync("subscribe", "bad", "{ __typename }");
        Assert.Equal(["next", "complete"], (await socket.ReceiveOperationAsync("bad", "complete", "error")).Select(m => m.String("type")));
    }

    [Fact]
    public async Task Subscribe_Generate_StreamsEveryChunkInOrderThenCompletes()
    {
        await using var socket = await ConnectAsync();

        await socket.SendOperationAsync("subscribe", "g1", GenerationStreams.Generate, GenerationStreams.Input(GenerationStreams.UniquePrompt(), maxTokens: 6));

        var messages = await socket.ReceiveOperationAsync("g1", "complete", "error");
        Assert.Equal("complete", messages[^1].String("type"));
        Assert.All(messages[..^1], m => Assert.Equal("next", m.String("type")));
        var streamed = GenerationStreams.Read(messages[..^1].Select(m => m["payload"])).ShouldHaveCompletedWithItsChunks();
        Assert.Equal(1, streamed.StartedEvents);
        Assert.Equal(6, streamed.Chunks.Count);
    }

    [Fact]
    public async Task Subscribe_UnknownGeneration_NextWithNotFoundThenComplete()
    {
        await using var socket = await ConnectAsync();

        await socket.SendOperationAsync("subscribe", "w1", GenerationStreams.Watch, GenerationStreams.WatchVariables(Guid.NewGuid().ToString()));

        var messages = await socket.ReceiveOperationAsync("w1", "complete", "error");
        Assert.Equal(["next", "complete"], messages.Select(m => m.String("type")));
        Assert.Equal(["NOT_FOUND"], messages[0]["payload"]!.AsObject().ErrorCodes());
    }

    [Fact]
    public async Task Subscribe_IdOfALiveOperation_ClosedWith4409()
    {
        await using var socket = await ConnectAsync();
        await socket.SendOperationAsync("subscribe", "same", GenerationStreams.Generate, GenerationStreams.Input(GenerationStreams.UniquePrompt(), maxTokens: 500));
        Assert.Equal("next", (await socket.ReceiveAsync()).String("type"));

        await socket.SendOperationAsync("subscribe", "same", "{ __typename }");

        Assert.Equal(4409, (await socket.ReceiveCloseAsync())?.Code);
    }

    [Fact]
    public async Task Subscribe_IdOfAFinishedOperation_Runs()
    {
        await using var socket = await ConnectAsync();
        await socket.SendOperationAsync("subscribe", "again", "{ __typename }");
        await socket.ReceiveOperationAsync("again", "complete", "error");

        await socket.SendOperationAsync("subscribe", "again", "{ __typename }");

        Assert.Equal(["next", "complete"], (await socket.ReceiveOperationAsync("again", "complete", "error")).Select(m => m.String("type")));
    }

    [Fact]
    public async Task Complete_FromClient_StopsTheOperationAndCancelsItsGeneration()
    {
        await using var socket = await ConnectAsync();
        await socket.SendOperationAsync("subscribe", "g", GenerationStreams.Generate, GenerationStreams.Input(GenerationStreams.UniquePrompt(), maxTokens: StreamingServer.ReplyTokens));
        var generationId = GenerationStreams.DecodeGenerationId((await socket.ReceiveAsync()).String("payload.data.generate.generation.id"));
        Assert.Equal("TokenChunk", (await socket.ReceiveAsync()).String("payload.data.generate.__typename"));

        await socket.SendAsync("complete", "g");

        // Messages are handled in order: once the pong arrives the complete was handled. Until then `next`s
        // already on their way may arrive; never a `complete` or `error` (the client ended it), and nothing after.
        await socket.SendAsync("ping");
        var beforePong = new List<JsonObject>();
        for (var message = await socket.ReceiveAsync(); message.String("type") != "pong"; message = await socket.ReceiveAsync())
            beforePong.Add(message);
        Assert.All(beforePong, m => Assert.Equal("next", m.String("type")));
        var (reply, usage) = await server.WaitForStoredReplyAsync(generationId);
        Assert.Equal(FinishReason.Cancelled, reply.FinishReason);
        Assert.Equal(GenerationStatus.Cancelled, usage.Status);
        await socket.SendOperationAsync("subscribe", "q", "{ __typename }");
        var afterPong = await socket.ReceiveOperationAsync("q", "complete", "error");
        Assert.DoesNotContain(afterPong, m => m.String("id") == "g");
    }

    [Fact]
    public async Task Socket_DroppedWithoutCloseHandshake_CancelsItsGenerationAndStoresThePartialReply()
    {
        var socket = await ConnectAsync();
        var prompt = GenerationStreams.UniquePrompt();
        await socket.SendOperationAsync("subscribe", "g", GenerationStreams.Generate, GenerationStreams.Input(prompt, maxTokens: StreamingServer.ReplyTokens));
        var generationId = GenerationStreams.DecodeGenerationId((await socket.ReceiveAsync()).String("payload.data.generate.generation.id"));
        var received = "";
        for (var i = 0; i < 3; i++)
            received += (await socket.ReceiveAsync()).String("payload.data.generate.text");

        await socket.DisposeAsync(); // aborts: no close frame

        var (reply, usage) = await server.WaitForStoredReplyAsync(generationId);
        Assert.Equal(FinishReason.Cancelled, reply.FinishReason);
        Assert.Equal(GenerationStatus.Cancelled, usage.Status);
        Assert.StartsWith(received, reply.Content, StringComparison.Ordinal);
        Assert.True(reply.Content.Length < StreamingServer.FullReply(prompt).Length, "The whole reply was written: the generation was not cancelled.");
    }

    [Fact]
    public async Task Socket_ClosedByClient_HandshakeAnsweredAndItsGenerationCancelled()
    {
        await using var socket = await ConnectAsync();
        await socket.SendOperationAsync("subscribe", "g", GenerationStreams.Generate, GenerationStreams.Input(GenerationStreams.UniquePrompt(), maxTokens: StreamingServer.ReplyTokens));
        var generationId = GenerationStreams.DecodeGenerationId((await socket.ReceiveAsync()).String("payload.data.generate.generation.id"));

        await socket.Socket.CloseOutputAsync(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);

        Assert.Equal(1000, (await socket.ReceiveCloseAsync())?.Code);
        var (reply, _) = await server.WaitForStoredReplyAsync(generationId);
        Assert.Equal(FinishReason.Cancelled, reply.FinishReason);
    }
}
