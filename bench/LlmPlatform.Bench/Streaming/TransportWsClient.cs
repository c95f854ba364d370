using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;

namespace LlmPlatform.Bench.Streaming;

/// <summary>
/// A bare graphql-transport-ws client over <see cref="ClientWebSocket"/>: connect, <c>connection_init</c> until
/// <c>connection_ack</c>, subscribe, then whole messages one at a time into a reused buffer. The server's protocol
/// pings are answered with pongs as they arrive. One reader at a time, as WebSocket allows.
/// </summary>
public sealed class TransportWsClient : IDisposable
{
    private static readonly byte[] ConnectionInit = """{"type":"connection_init"}"""u8.ToArray();
    private static readonly byte[] Pong = """{"type":"pong"}"""u8.ToArray();
    private static readonly byte[] PingType = "\"type\":\"ping\""u8.ToArray();

    private readonly ClientWebSocket _socket;
    private readonly SemaphoreSlim _sending = new(1, 1);
    private byte[] _buffer = new byte[16 * 1024];

    private TransportWsClient(ClientWebSocket socket) => _socket = socket;

    public WebSocketState State => _socket.State;

    /// <summary>How the server closed the connection, when it did: "code reason".</summary>
    public string? CloseReason => _socket.CloseStatus is { } status ? $"{(int)status} {_socket.CloseStatusDescription}" : null;

    /// <summary>From sending <c>connection_init</c> to receiving <c>connection_ack</c>: where the server checks a token.</summary>
    public TimeSpan InitToAck { get; private set; }

    /// <summary>Opens the socket and waits for the server's <c>connection_ack</c>.</summary>
    public static Task<TransportWsClient> ConnectAsync(Uri url, CancellationToken cancellationToken) => ConnectAsync(url, null, cancellationToken);

    /// <summary>
    /// Opens the socket and waits for the server's <c>connection_ack</c>; with <paramref name="authorization"/>
    /// (<c>Bearer …</c>), <c>connection_init</c> carries it in its payload, as the app's clients send a token.
    /// </summary>
    public static async Task<TransportWsClient> ConnectAsync(Uri url, string? authorization, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol(GenerateStream.Subprotocol);
        // The server keeps the connection alive; the client sends no WebSocket pings of its own.
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        var client = new TransportWsClient(socket);
        try
        {
            await socket.ConnectAsync(url, cancellationToken);
            var init = authorization is null ? ConnectionInit : InitWith(authorization);
            var sent = Stopwatch.GetTimestamp();
            await client.SendAsync(init, cancellationToken);
            while (true)
            {
                var message = await client.ReceiveAsync(cancellationToken)
                    ?? throw new WebSocketException($"{url} closed the connection before connection_ack ({socket.CloseStatus} {socket.CloseStatusDescription}).");
                var frame = GenerateStream.Parse(message.Span);
                client.InitToAck = Stopwatch.GetElapsedTime(sent);
                if (frame.Type == "connection_ack")
                    return client;
                throw new WebSocketException($"{url} answered connection_init with {Encoding.UTF8.GetString(message.Span)}");
            }
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    private static byte[] InitWith(string authorization) => Encoding.UTF8.GetBytes(new JsonObject
    {
        ["type"] = "connection_init",
        ["payload"] = new JsonObject { ["authorization"] = authorization },
    }.ToJsonString());

    public Task SendAsync(string message, CancellationToken cancellationToken) => SendAsync(Encoding.UTF8.GetBytes(message), cancellationToken);

    public async Task SendAsync(byte[] message, CancellationToken cancellationToken)
    {
        await _sending.WaitAsync(cancellationToken);
        try
        {
            await _socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
        }
        finally
        {
            _sending.Release();
        }
    }

    /// <summary>
    /// The next whole text message other than a protocol ping (answered here), valid until the next call; null when the
    /// server closed the connection.
    /// </summary>
    public async ValueTask<ReadOnlyMemory<byte>?> ReceiveAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var length = 0;
            while (true)
            {
                var received = await _socket.ReceiveAsync(_buffer.AsMemory(length), cancellationToken);
                if (received.MessageType == WebSocketMessageType.Close)
                    return null;
                length += received.Count;
                if (received.EndOfMessage)
                    break;
                if (length == _buffer.Length)
                    Array.Resize(ref _buffer, _buffer.Length * 2);
            }
            var message = _buffer.AsMemory(0, length);
            if (length < 64 && message.Span.IndexOf(PingType) >= 0)
            {
                await SendAsync(Pong, cancellationToken);
                continue;
            }
            return message;
        }
    }

    /// <summary>Ends the connection with a close handshake, or aborts it when the server does not answer in time.</summary>
    public async Task CloseAsync(TimeSpan timeout)
    {
        using var limit = new CancellationTokenSource(timeout);
        try
        {
            if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "", limit.Token);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            _socket.Abort();
        }
    }

    public void Dispose()
    {
        _socket.Dispose();
        _sending.Dispose();
    }
}
