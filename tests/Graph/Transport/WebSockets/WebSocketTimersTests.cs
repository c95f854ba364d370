using LlmPlatform.Graph.Tests.Infrastructure;

namespace LlmPlatform.Graph.Tests.Transport.WebSockets;

/// <summary>The init deadline and the server's keep-alive, on both subprotocols, with both set short.</summary>
public sealed class WebSocketTimersTests(WebSocketTimersTests.ShortTimersServer server) : IClassFixture<WebSocketTimersTests.ShortTimersServer>
{
    public sealed class ShortTimersServer : StreamingServer
    {
        // Short, yet far above the moment a test's own connection_init takes to arrive on a loaded machine.
        public static readonly TimeSpan InitTimeout = TimeSpan.FromSeconds(1);
        public static readonly TimeSpan KeepAlive = TimeSpan.FromMilliseconds(150);

        public ShortTimersServer()
        {
            Set("Transport:ConnectionInitTimeout", InitTimeout.ToString("c", System.Globalization.CultureInfo.InvariantCulture));
            Set("Transport:KeepAliveInterval", KeepAlive.ToString("c", System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    [Theory]
    [InlineData("graphql-transport-ws")]
    [InlineData("graphql-ws")]
    public async Task ConnectionInit_NotSentInTime_ClosedWith4408(string subprotocol)
    {
        await using var socket = await TestWebSocket.ConnectAsync(server, subprotocol);

        var close = await socket.ReceiveCloseAsync();

        Assert.Equal(4408, close?.Code);
    }

    [Fact]
    public async Task KeepAlive_IdleAcknowledgedConnection_PingedRepeatedlyAndStaysOpenPastTheInitTimeout()
    {
        await using var socket = await TestWebSocket.ConnectAsync(server, "graphql-transport-ws");
        await socket.InitAsync();
        var started = DateTime.UtcNow;

        // Pings until well past the init deadline: the acknowledged connection is not closed by it.
        var pings = 0;
        while (DateTime.UtcNow - started < ShortTimersServer.InitTimeout + ShortTimersServer.KeepAlive)
        {
            Assert.Equal("ping", (await socket.ReceiveAsync(skipKeepAlive: false)).String("type"));
            pings++;
            await socket.SendAsync("pong");
        }

        Assert.True(pings >= 2, $"{pings} pings");
        await socket.SendAsync("ping");
        Assert.Equal("pong", (await socket.ReceiveAsync()).String("type"));
    }

    [Fact]
    public async Task KeepAlive_LegacyConnection_KaAfterTheAckThenPeriodically()
    {
        await using var socket = await TestWebSocket.ConnectAsync(server, "graphql-ws");
        await socket.SendAsync("connection_init");
        Assert.Equal("connection_ack", (await socket.ReceiveAsync(skipKeepAlive: false)).String("type"));
        var started = DateTime.UtcNow;

        var keepAlives = 0;
        while (DateTime.UtcNow - started < ShortTimersServer.InitTimeout + ShortTimersServer.KeepAlive)
        {
            Assert.Equal("ka", (await socket.ReceiveAsync(skipKeepAlive: false)).String("type"));
            keepAlives++;
        }

        Assert.True(keepAlives >= 2, $"{keepAlives} keep-alives");
        await socket.SendOperationAsync("start", "q", "{ __typename }");
        Assert.Equal("data", (await socket.ReceiveAsync()).String("type"));
    }
}
