using System.Globalization;
using LlmPlatform.Data.Entities;
using LlmPlatform.Graph.Tests.Infrastructure;

namespace LlmPlatform.Graph.Tests.Transport.WebSockets;

/// <summary>
/// A client that stops reading while a fast generation streams to it: the server's outbound buffer for it is
/// bounded, so it is disconnected (1008, with the reason) instead of growing the server's memory.
/// </summary>
[Collection(FloodCollection)]
public sealed class WebSocketSlowConsumerTests(WebSocketSlowConsumerTests.SmallBufferServer server) : IClassFixture<WebSocketSlowConsumerTests.SmallBufferServer>
{
    // A flood keeps a core busy: two at once on a small machine would slow each other's server down to a crawl.
    public const string FloodCollection = "WebSocket floods";

    public class SmallBufferServer : StreamingServer
    {
        // At full speed this takes about ten seconds to write: far longer than it takes the client's buffers to fill,
        // even on a busy machine where the server's reader of the stream gets little time.
        public const int Tokens = 3_000_000;

        public SmallBufferServer()
        {
            Set("Llm:Providers:echo:EchoTokenDelay", "00:00:00");
            Set("Llm:Providers:echo:EchoReplyTokens", Tokens.ToString(CultureInfo.InvariantCulture));
            Set("Llm:Providers:echo:Models:echo-1:MaxOutputTokens", Tokens.ToString(CultureInfo.InvariantCulture));
            Set("Llm:Providers:echo:Models:echo-1:ContextWindow", (2 * Tokens).ToString(CultureInfo.InvariantCulture));
            Set("Llm:Generation:MaxTokensLimit", Tokens.ToString(CultureInfo.InvariantCulture));
            // Room for every event: a reader falling behind the replay buffer would end the stream (and cancel the
            // generation) by itself, hiding whether the server stopped it.
            Set("Llm:Generation:ReplayBufferSize", (Tokens + 2).ToString(CultureInfo.InvariantCulture));
            Set("Transport:OutboundBufferMessages", "8");
            // Long enough that the test reads the close frame before the server gives up waiting for its answer.
            Set("Transport:CloseTimeout", "00:01:00");
        }
    }

    // A TCP window this small fills after a few messages, so the server's queue for the client fills next.
    internal const int ReceiveBufferBytes = 4096;

    // Every event resolves without the database, so none waits behind a slower one in the engine's queue of the
    // subscription's results: the flood reaches the client's outbound buffer as fast as it is written.
    internal const string Flood = "subscription Flood($input: GenerateInput!) { generate(input: $input) { __typename ... on TokenChunk { index text } } }";

    [Fact]
    public async Task Subscribe_ClientStopsReading_DisconnectedWith1008AndItsGenerationCancelled()
    {
        var prompt = GenerationStreams.UniquePrompt();
        await using var slow = await TestWebSocket.ConnectAsync(server, "graphql-transport-ws", ReceiveBufferBytes);
        await slow.InitAsync();

        await slow.SendOperationAsync("subscribe", "flood", Flood, GenerationStreams.Input(prompt, SmallBufferServer.Tokens));

        // Not reading: the generation is cancelled once the server gives up on the client, far short of its end.
        var generationId = await server.WaitForGenerationOfPromptAsync(prompt);
        var (reply, usage) = await server.WaitForStoredReplyAsync(generationId);
        Assert.Equal(FinishReason.Cancelled, reply.FinishReason);
        Assert.Equal(GenerationStatus.Cancelled, usage.Status);
        Assert.True(reply.Content.Length < StreamingServer.FullReply(prompt, SmallBufferServer.Tokens).Length);
        // Reading again: what was already on its way, then the close frame with the reason.
        Assert.Equal((1008, "Client too slow: outbound buffer full"), await slow.ReceiveCloseAsync());
    }

    [Fact]
    public async Task Subscribe_ClientStopsReading_OtherClientsStillServed()
    {
        var prompt = GenerationStreams.UniquePrompt();
        await using var slow = await TestWebSocket.ConnectAsync(server, "graphql-transport-ws", ReceiveBufferBytes);
        await slow.InitAsync();
        await slow.SendOperationAsync("subscribe", "flood", Flood, GenerationStreams.Input(prompt, SmallBufferServer.Tokens));
        await server.WaitForGenerationOfPromptAsync(prompt);

        await using var other = await TestWebSocket.ConnectAsync(server, "graphql-transport-ws");
        await other.InitAsync();
        await other.SendOperationAsync("subscribe", "q", "{ __typename }");

        Assert.Equal(["next", "complete"], (await other.ReceiveOperationAsync("q", "complete", "error")).Select(m => m.String("type")));
        Assert.Equal("Query", (await server.PostGraphQLAsync("{ __typename }")).String("data.__typename"));
    }
}
