using System.Net.WebSockets;
using LlmPlatform.Data.Entities;
using LlmPlatform.Graph.Tests.Infrastructure;

namespace LlmPlatform.Graph.Tests.Transport.WebSockets;

/// <summary>A client that never reads again does not read the close frame either: the server cuts it off after the close timeout.</summary>
[Collection(WebSocketSlowConsumerTests.FloodCollection)]
public sealed class WebSocketCloseTimeoutTests(WebSocketCloseTimeoutTests.ImpatientServer server) : IClassFixture<WebSocketCloseTimeoutTests.ImpatientServer>
{
    public sealed class ImpatientServer : WebSocketSlowConsumerTests.SmallBufferServer
    {
        public ImpatientServer() => Set("Transport:CloseTimeout", "00:00:00.500");
    }

    [Fact]
    public async Task Subscribe_ClientNeverReadsAgain_ConnectionCutOffAfterTheCloseTimeout()
    {
        var prompt = GenerationStreams.UniquePrompt();
        await using var slow = await TestWebSocket.ConnectAsync(server, "graphql-transport-ws", WebSocketSlowConsumerTests.ReceiveBufferBytes);
        await slow.InitAsync();
        await slow.SendOperationAsync("subscribe", "flood", WebSocketSlowConsumerTests.Flood, GenerationStreams.Input(prompt, WebSocketSlowConsumerTests.SmallBufferServer.Tokens));
        var (reply, _) = await server.WaitForStoredReplyAsync(await server.WaitForGenerationOfPromptAsync(prompt));
        Assert.Equal(FinishReason.Cancelled, reply.FinishReason);

        // Closed but still connected, the server would keep reading (and discarding) what the client sends; cut
        // off, the connection refuses the client's writes. Only writing, so the close frame stays unread.
        var deadline = DateTime.UtcNow + GenerationStreams.Wait;
        var cutOff = false;
        while (!cutOff && DateTime.UtcNow < deadline)
        {
            try
            {
                await slow.SendAsync("ping");
                await Task.Delay(50);
            }
            catch (WebSocketException)
            {
                cutOff = true;
            }
        }

        Assert.True(cutOff, $"The server still held the connection {GenerationStreams.Wait.TotalSeconds} s after giving up on the client.");
    }
}
