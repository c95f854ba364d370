using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using LlmPlatform.Graph.Tests.Infrastructure;

namespace LlmPlatform.Graph.Tests.Transport.WebSockets;

/// <summary>
/// A raw WebSocket client for protocol tests: sends exactly the text it is given and shows every frame the server
/// sends, close frames included. Every wait is bounded by <see cref="GenerationStreams.Wait"/>.
/// </summary>
internal sealed class TestWebSocket : IAsyncDisposable
{
    private readonly ClientWebSocket _socket;
    private readonly HttpMessageInvoker? _invoker;
    private readonly string _keepAliveType;

    private TestWebSocket(ClientWebSocket socket, HttpMessageInvoker? invoker, string keepAliveType)
    {
        _socket = socket;
        _invoker = invoker;
        _keepAliveType = keepAliveType;
    }

    public WebSocket Socket => _socket;

    /// <summary>The subprotocol the server chose, null when it chose none.</summary>
    public string? SubProtocol => _socket.SubProtocol;

    /// <summary>
    /// Opens a socket to the server's GraphQL endpoint asking for <paramref name="subprotocol"/> (none when null).
    /// <paramref name="receiveBufferBytes"/> shrinks the TCP receive window, for a client that stops reading.
    /// </summary>
    public static async Task<TestWebSocket> ConnectAsync(PlatformServer server, string? subprotocol, int? receiveBufferBytes = null, string? authorization = null)
    {
        var socket = new ClientWebSocket();
        if (authorization is not null)
            socket.Options.SetRequestHeader("Authorization", authorization);
        if (subprotocol is not null)
            socket.Options.AddSubProtocol(subprotocol);
        HttpMessageInvoker? invoker = null;
        if (receiveBufferBytes is { } bytes)
        {
            invoker = new HttpMessageInvoker(new SocketsHttpHandler
            {
                ConnectCallback = async (context, cancellationToken) =>
                {
                    // Set before connecting: the window a peer may fill is agreed during the handshake.
                    var tcp = new Socket(SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = bytes, NoDelay = true };
                    await tcp.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(tcp, ownsSocket: true);
                },
            });
        }
        using var timeout = new CancellationTokenSource(GenerationStreams.Wait);
        await socket.ConnectAsync(server.WebSocketEndpoint, invoker, timeout.Token);
        return new TestWebSocket(socket, invoker, subprotocol == "graphql-ws" ? "ka" : "ping");
    }

    public Task SendTextAsync(string text) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);

    public Task SendAsync(string type, string? id = null, JsonNode? payload = null)
    {
        var message = new JsonObject { ["type"] = type };
        if (id is not null)
            message["id"] = id;
        if (payload is not null)
            message["payload"] = payload;
        return SendTextAsync(message.ToJsonString());
    }

    /// <summary>Sends an operation: `subscribe` (graphql-transport-ws) or `start` (graphql-ws).</summary>
    public Task SendOperationAsync(string type, string id, string query, JsonObject? variables = null) =>
        SendTextAsync(OperationMessage(type, id, query, variables));

    /// <summary>The text of an operation message, as <see cref="SendOperationAsync"/> sends it.</summary>
    public static string OperationMessage(string type, string id, string query, JsonObject? variables = null) =>
        new JsonObject { ["type"] = type, ["id"] = id, ["payload"] = new JsonObject { ["query"] = query, ["variables"] = variables } }.ToJsonString();

    /// <summary>The next frame: a text message, or the close frame (Close is set). Null when the connection was cut.</summary>
    public async Task<Frame?> ReceiveFrameAsync()
    {
        using var timeout = new CancellationTokenSource(GenerationStreams.Wait);
        var buffer = new byte[16 * 1024];
        using var message = new MemoryStream();
        try
        {
            while (true)
            {
                var received = await _socket.ReceiveAsync(buffer, timeout.Token);
                if (received.MessageType == WebSocketMessageType.Close)
                    return new Frame(null, ((int?)received.CloseStatus ?? 0, received.CloseStatusDescription ?? ""));
                message.Write(buffer, 0, received.Count);
                if (received.EndOfMessage)
                    return new Frame(JsonNode.Parse(message.ToArray())!.AsObject(), null);
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            Assert.Fail($"Nothing arrived within {GenerationStreams.Wait.TotalSeconds} s.");
            throw;
        }
        catch (WebSocketException)
        {
            return null;
        }
    }

    /// <summary>The next message that is not a keep-alive (ping or ka); fails the test on a close.</summary>
    public async Task<JsonObject> ReceiveAsync(bool skipKeepAlive = true)
    {
        while (true)
        {
            var frame = await ReceiveFrameAsync();
            if (frame?.Message is not { } message)
                throw new Xunit.Sdk.XunitException(frame is null ? "The connection was cut." : $"Closed with {frame.Close}.");
            if (skipKeepAlive && message.String("type") == _keepAliveType)
                continue;
            return message;
        }
    }

    /// <summary>Reads up to the close frame, skipping messages; null when the connection was cut instead.</summary>
    public async Task<(int Code, string Reason)?> ReceiveCloseAsync()
    {
        while (true)
        {
            var frame = await ReceiveFrameAsync();
            if (frame is null)
                return null;
            if (frame.Close is { } close)
                return close;
        }
    }

    /// <summary>Reads messages until the one that ends operation <paramref name="id"/>; returns them all, in order.</summary>
    public async Task<List<JsonObject>> ReceiveOperationAsync(string id, params string[] endTypes)
    {
        var messages = new List<JsonObject>();
        while (true)
        {
            var message = await ReceiveAsync();
            messages.Add(message);
            if (message.String("id") == id && endTypes.Contains(message.String("type")))
                return messages;
        }
    }

    /// <summary>graphql-transport-ws: connection_init answered by connection_ack.</summary>
    public async Task InitAsync()
    {
        await SendAsync("connection_init");
        Assert.Equal("connection_ack", (await ReceiveAsync()).String("type"));
    }

    public async ValueTask DisposeAsync()
    {
        _socket.Abort();
        _socket.Dispose();
        _invoker?.Dispose();
        await Task.CompletedTask;
    }

    public sealed record Frame(JsonObject? Message, (int Code, string Reason)? Close);
}
