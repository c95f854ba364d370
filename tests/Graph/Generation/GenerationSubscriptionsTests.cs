using System.Text.Json.Nodes;
using LlmPlatform.Graph.Tests.Infrastructure;
using LlmPlatform.Graph.Tests.Transport.Sse;
using LlmPlatform.Graph.Tests.Transport.WebSockets;
using LlmPlatform.Testing.Stubs;

namespace LlmPlatform.Graph.Tests.Generation;

/// <summary>
/// The "done when", for a real connector: a front end on the graphql-ws client and one on the graphql-sse
/// client stream a reply from an OpenAI-compatible endpoint (the stub, through Semantic Kernel's OpenAI connector)
/// token by token and find the same text stored; cancelling or disconnecting stops the provider call. (Echo through
/// both clients is covered by the transport tests.)
/// </summary>
public sealed class GenerationSubscriptionsTests : IClassFixture<StubStreamingServer>
{
    private static readonly string[] Tokens = ["Streaming", " from", " a", " real", " connector", ":", " ünïcödé", " ✓", " and", " done", "."];

    private const int TokensBeforeStall = 3;

    private readonly StubStreamingServer _server;

    public GenerationSubscriptionsTests(StubStreamingServer server)
    {
        _server = server;
        server.Stub.Reset();
        server.Stub.Tokens = Tokens;
    }

    [Theory]
    [InlineData(ReferenceClients.GraphQLWs)]
    [InlineData(ReferenceClients.GraphQLSse)]
    public async Task Generate_OpenAICompatibleProvider_StreamsTheProvidersTokensInOrderAndStoresTheSameText(string client)
    {
        _server.Stub.TokenDelay = TimeSpan.FromMilliseconds(5);
        _server.Stub.PromptTokens = 321;
        _server.Stub.CompletionTokens = 45;
        var prompt = GenerationStreams.UniquePrompt("stream from the stub");

        var outcome = (await ReferenceClients.RunAsync(_server, client, (GenerationApi.Generate, StubInput(prompt))))[0];

        var results = outcome.ShouldHaveCompleted().Results;
        var streamed = GenerationStreams.Read(results).ShouldHaveCompletedWithItsChunks();
        Assert.Equal(Tokens, streamed.Chunks.Select(c => c.Text));
        Assert.Equal("STOP", streamed.FinishReason);
        var started = results[0]!.At("data.generate")!;
        Assert.Equal(StubProvider.Name, started.String("provider"));
        Assert.Equal(StubProvider.Model, started.String("model"));
        var usage = results[^1]!.At("data.generate.usage")!;
        Assert.False(usage["estimated"]!.GetValue<bool>());
        Assert.Equal(321, usage.Int("promptTokens"));
        Assert.Equal(45, usage.Int("completionTokens"));
        Assert.Equal(366, usage.Int("totalTokens"));

        var stored = await LastTwoMessagesAsync(streamed.ConversationId!);
        Assert.Equal(("USER", prompt), (stored[0].String("role"), stored[0].String("content")));
        Assert.Equal(("ASSISTANT", streamed.Text, "STOP"), (stored[1].String("role"), stored[1].String("content"), stored[1].String("finishReason")));
        Assert.Equal(streamed.GenerationId, stored[1].String("generationId"));

        var request = Assert.Single(_server.Stub.Requests);
        Assert.Equal(StubProvider.Model, request.Json.GetProperty("model").GetString());
        Assert.Equal("Bearer " + StubProvider.ApiKey, request.Headers["Authorization"]);
        Assert.Equal(("user", prompt), request.Messages[^1]);
        Assert.True(request.Completed && !request.WasAborted, "The stub did not answer the whole request.");
    }

    [Theory]
    [InlineData(ReferenceClients.GraphQLWs)]
    [InlineData(ReferenceClients.GraphQLSse)]
    public async Task Generate_CancelledByMutationWhileStreaming_AbortsTheProviderCallAndStoresThePartialReply(string client)
    {
        _server.Stub.Enqueue(StubFault.Stall(afterTokens: TokensBeforeStall));
        var prompt = GenerationStreams.UniquePrompt("cancel the stub");

        var run = ReferenceClients.RunAsync(_server, client, (GenerationApi.Generate, StubInput(prompt)));
        var id = GenerationApi.IdOf(await _server.WaitForGenerationOfPromptAsync(prompt));
        // A second viewer, to learn when the stub's tokens have been streamed. It watches to the end: were it to leave
        // before the reference client's stream began, the generation would be cancelled for being unwatched instead.
        await using var watcher = await _server.WatchUntilChunksAsync(id, TokensBeforeStall);
        var request = await _server.Stub.WaitForRequestAsync();

        var cancelled = (await _server.PostGraphQLAsync(GenerationApi.Cancel, new { id })).ShouldHaveNoErrors();

        Assert.Empty(cancelled.At("data.cancelGeneration.userErrors")!.AsArray());
        Assert.Equal(id, cancelled.String("data.cancelGeneration.generation.id"));
        await request.Aborted.WaitAsync(GenerationStreams.Wait);
        var streamed = GenerationStreams.Read((await run)[0].ShouldHaveCompleted().Results).ShouldHaveCompletedWithItsChunks();
        Assert.Equal(Tokens[..TokensBeforeStall], streamed.Chunks.Select(c => c.Text));
        Assert.Equal("CANCELLED", streamed.FinishReason);
        var watched = GenerationStreams.Read(await watcher.ReadToCompleteAsync());
        Assert.Equal("CANCELLED", watched.FinishReason);
        await AssertStoredAsync(streamed.ConversationId!, string.Concat(Tokens[..TokensBeforeStall]), "CANCELLED");
    }

    [Fact]
    public async Task Generate_WebSocketClosedMidStream_AbortsTheProviderCallAndStoresThePartialReply()
    {
        _server.Stub.Enqueue(StubFault.Stall(afterTokens: TokensBeforeStall));
        var socket = await TestWebSocket.ConnectAsync(_server, "graphql-transport-ws");
        await socket.InitAsync();
        await socket.SendOperationAsync("subscribe", "g", GenerationApi.Generate, StubInput(GenerationStreams.UniquePrompt()));
        string? conversationId = null;
        for (var chunks = 0; chunks < TokensBeforeStall;)
        {
            var generationEvent = (await socket.ReceiveAsync()).At("payload.data.generate")!;
            if (generationEvent.String("__typename") == "TokenChunk")
                chunks++;
            else
                conversationId = generationEvent.String("conversation.id");
        }
        var request = await _server.Stub.WaitForRequestAsync();

        await socket.DisposeAsync(); // the connection drops without a close handshake

        await request.Aborted.WaitAsync(GenerationStreams.Wait);
        await AssertStoredAsync(conversationId!, string.Concat(Tokens[..TokensBeforeStall]), "CANCELLED");
    }

    [Theory]
    [InlineData(Transports.Sse)]
    [InlineData(Transports.WebSocket)]
    public async Task Generate_TopP_ReachesTheProvidersRequest(string transport)
    {
        var variables = StubInput(GenerationStreams.UniquePrompt());
        variables["input"]!["topP"] = 0.5;

        var events = await GenerateAsync(transport, variables);

        Assert.Equal("GenerationCompleted", events[^1].String("data.generate.__typename"));
        Assert.Equal(0.5, Assert.Single(_server.Stub.Requests).Json.GetProperty("top_p").GetDouble());
    }

    [Fact]
    public async Task Generate_SseRequestClosedMidStream_AbortsTheProviderCallAndStoresThePartialReply()
    {
        _server.Stub.Enqueue(StubFault.Stall(afterTokens: TokensBeforeStall));
        var stream = await SseStream.PostOperationAsync(_server, GenerationApi.Generate, StubInput(GenerationStreams.UniquePrompt()));
        var conversationId = (await stream.ReadNextAsync()).String("data.generate.conversation.id");
        for (var i = 0; i < TokensBeforeStall; i++)
            Assert.Equal(i, (await stream.ReadNextAsync()).Int("data.generate.index"));
        var request = await _server.Stub.WaitForRequestAsync();

        await stream.DisposeAsync(); // closes the request mid-stream

        await request.Aborted.WaitAsync(GenerationStreams.Wait);
        await AssertStoredAsync(conversationId!, string.Concat(Tokens[..TokensBeforeStall]), "CANCELLED");
    }

    /// <summary>Every result of one `generate` over SSE or graphql-transport-ws, up to its end.</summary>
    private async Task<List<JsonObject>> GenerateAsync(string transport, JsonObject variables)
    {
        if (transport == Transports.Sse)
        {
            await using var stream = await SseStream.PostOperationAsync(_server, GenerationApi.Generate, variables);
            return await stream.ReadToCompleteAsync();
        }
        await using var socket = await TestWebSocket.ConnectAsync(_server, Transports.WebSocket);
        await socket.InitAsync();
        await socket.SendOperationAsync("subscribe", "g", GenerationApi.Generate, variables);
        var messages = await socket.ReceiveOperationAsync("g", "complete", "error");
        Assert.Equal("complete", messages[^1].String("type"));
        return [.. messages.SkipLast(1).Select(m => m["payload"]!.AsObject())];
    }

    /// <summary>The variables of <see cref="GenerationApi.Generate"/> for a reply from the stub.</summary>
    private static JsonObject StubInput(string prompt) =>
        new() { ["input"] = GenerationApi.Input(prompt, provider: StubProvider.Name, model: StubProvider.Model) };

    private async Task<IReadOnlyList<JsonNode>> LastTwoMessagesAsync(string conversationId)
    {
        var result = (await _server.PostGraphQLAsync(
            "query($id: ID!) { conversation(id: $id) { messages(last: 2) { nodes { role content finishReason generationId } } } }",
            new { id = conversationId })).ShouldHaveNoErrors();
        return [.. result.At("data.conversation.messages.nodes")!.AsArray().Select(n => n!)];
    }

    /// <summary>The conversation's reply, as a client reads it, once it has been stored.</summary>
    private async Task AssertStoredAsync(string conversationId, string content, string finishReason)
    {
        var deadline = DateTime.UtcNow + GenerationStreams.Wait;
        while (true)
        {
            var messages = await LastTwoMessagesAsync(conversationId);
            if (messages.Count == 2 && messages[1].String("role") == "ASSISTANT")
            {
                Assert.Equal((content, finishReason), (messages[1].String("content"), messages[1].String("finishReason")));
                return;
            }
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"No reply was stored in {conversationId} within {GenerationStreams.Wait.TotalSeconds} s.");
            await Task.Delay(50);
        }
    }
}
