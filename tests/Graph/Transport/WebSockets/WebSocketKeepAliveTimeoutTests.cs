using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using LlmPlatform.Graph.Tests.Infrastructure;

namespace LlmPlatform.Graph.Tests.Transport.WebSockets;

/// <summary>A WebSocket peer that stopped answering pings (its network vanished) is dropped; one that answers stays.</summary>
public sealed class WebSocketKeepAliveTimeoutTests(WebSocketKeepAliveTimeoutTests.ShortKeepAliveServer server)
    : IClassFixture<WebSocketKeepAliveTimeoutTests.ShortKeepAliveServer>
{
    private const byte PingOpcode = 0x9;
    private const byte CloseOpcode = 0x8;

    public sealed class ShortKeepAliveServer : ConfiguredSqliteServer
    {
        public static readonly TimeSpan KeepAlive = TimeSpan.FromMilliseconds(200);
        public static readonly TimeSpan KeepAliveTimeout = TimeSpan.FromMilliseconds(400);

        public ShortKeepAliveServer()
        {
            // Far away, so that only the keep-alive can end the silent connection.
            Set("Transport:ConnectionInitTimeout", "00:10:00");
            Set("Transport:KeepAliveInterval", KeepAlive.ToString("c", System.Globalization.CultureInfo.InvariantCulture));
            Set("Transport:KeepAliveTimeout", KeepAliveTimeout.ToString("c", System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public async Task PeerThatNeverAnswersPings_IsDroppedWithoutACloseHandshake()
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, server.WebSocketEndpoint.Port);
        var stream = tcp.GetStream();
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        await stream.WriteAsync(Encoding.ASCII.GetBytes(
            $"GET /graphql HTTP/1.1\r\nHost: 127.0.0.1:{server.WebSocketEndpoint.Port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            $"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: graphql-transport-ws\r\n\r\n"));

        // Read everything the server sends, as a peer whose replies never arrive would: no pong ever goes back.
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var received = new List<byte>();
        var buffer = new byte[4096];
        int read;
        try
        {
            while ((read = await stream.ReadAsync(buffer, bound.Token)) > 0)
                received.AddRange(buffer.AsSpan(0, read));
        }
        catch (IOException)
        {
            // Reset by the server: dropped, as a connection whose peer is gone must be.
        }

        Assert.False(bound.IsCancellationRequested, "The server kept a peer that never answered its pings for 30 s.");
        var text = Encoding.ASCII.GetString(received.ToArray());
        Assert.StartsWith("HTTP/1.1 101", text, StringComparison.Ordinal);
        var frames = Opcodes(received.Skip(text.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4).ToArray());
        Assert.Contains(PingOpcode, frames);
        Assert.DoesNotContain(CloseOpcode, frames);
    }

    [Fact]
    public async Task PeerThatAnswersPings_StaysOpenPastManyTimeouts()
    {
        // ClientWebSocket answers the server's WebSocket pings while a read is pending, as a browser always has one.
        await using var socket = await TestWebSocket.ConnectAsync(server, "graphql-transport-ws");
        await socket.InitAsync();
        var until = DateTime.UtcNow + 5 * (ShortKeepAliveServer.KeepAlive + ShortKeepAliveServer.KeepAliveTimeout);

        while (DateTime.UtcNow < until)
        {
            Assert.Equal("ping", (await socket.ReceiveAsync(skipKeepAlive: false)).String("type"));
            await socket.SendAsync("pong");
        }

        await socket.SendAsync("ping");
        Assert.Equal("pong", (await socket.ReceiveAsync()).String("type"));
    }

    // The opcodes of the unmasked server frames in order (RFC 6455 §5.2).
    private static List<byte> Opcodes(byte[] bytes)
    {
        var opcodes = new List<byte>();
        var at = 0;
        while (at + 2 <= bytes.Length)
        {
            opcodes.Add((byte)(bytes[at] & 0x0F));
            var length = (long)(bytes[at + 1] & 0x7F);
            at += 2;
            if (length == 126) { length = (bytes[at] << 8) | bytes[at + 1]; at += 2; }
            else if (length == 127) { length = (long)System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes.AsSpan(at)); at += 8; }
            at += (int)length;
        }
        return opcodes;
    }
}
