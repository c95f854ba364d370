using System.Buffers;
using System.Globalization;
using System.Net.WebSockets;
using System.Text.Json;
using LlmPlatform.Bench.Streaming;

namespace LlmPlatform.Bench.Baseline;

/// <summary>
/// The bare WebSocket endpoint the streaming benchmarks measure GraphQL against: it speaks just enough
/// graphql-transport-ws (<c>connection_init</c> → <c>connection_ack</c>, <c>subscribe</c>, <c>complete</c>,
/// <c>ping</c> → <c>pong</c>) to send, for a subscribe with <c>{ prompt, tokens }</c> variables, the very frames the
/// real app sends for the `generate` operation of <see cref="GenerateStream"/>: a `next` with the start event, one
/// `next` per token of the echo reply (each written with <see cref="Utf8JsonWriter"/> when its turn comes, as any
/// server must), a `next` with the completion event and a `complete`. The pause before each token is the query
/// string's <c>delay</c> (e.g. <c>?delay=20ms</c>), awaited with <see cref="Task.Delay(TimeSpan, CancellationToken)"/>
/// as the echo provider does. No GraphQL, no generation pipeline, no database: the floor of a WebSocket stream.
/// </summary>
public static class StreamingBaseline
{
    public const string Path = "/ws";

    public static async Task HandleAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }
        var delay = TimeSpan.FromMilliseconds(double.Parse(context.Request.Query["delayMs"].FirstOrDefault() ?? "0", CultureInfo.InvariantCulture));
        using var socket = await context.WebSockets.AcceptWebSocketAsync(
            context.WebSockets.WebSocketRequestedProtocols.Contains(GenerateStream.Subprotocol) ? GenerateStream.Subprotocol : null);
        using var connection = new Connection(socket, delay);
        await connection.RunAsync(context.RequestAborted);
    }

    private sealed class Connection(WebSocket socket, TimeSpan delay) : IDisposable
    {
        private static readonly byte[] Ack = """{"type":"connection_ack"}"""u8.ToArray();
        private static readonly byte[] Pong = """{"type":"pong"}"""u8.ToArray();

        private readonly SemaphoreSlim _sending = new(1, 1);
        private readonly CancellationTokenSource _closing = new();
        private Task _stream = Task.CompletedTask;

        public async Task RunAsync(CancellationToken aborted)
        {
            using var link = aborted.Register(_closing.Cancel);
            // The same receive buffer as the app's connections (4 KB from the shared pool, held while the socket is open),
            // so that the idle-connections floor is not inflated by the baseline's own choice.
            var buffer = ArrayPool<byte>.Shared.Rent(4096);
            try
            {
                while (socket.State == WebSocketState.Open)
                {
                    var length = 0;
                    ValueWebSocketReceiveResult received;
                    do
                    {
                        received = await socket.ReceiveAsync(buffer.AsMemory(length), _closing.Token);
                        length += received.Count;
                    }
                    while (!received.EndOfMessage && length < buffer.Length);
                    if (received.MessageType == WebSocketMessageType.Close)
                        break;
                    await ReceivedAsync(buffer.AsMemory(0, length));
                }
                await _closing.CancelAsync();
                await _stream;
                if (socket.State == WebSocketState.CloseReceived)
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
                // The client went away.
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        private async Task ReceivedAsync(ReadOnlyMemory<byte> message)
        {
            using var document = JsonDocument.Parse(message);
            var root = document.RootElement;
            switch (root.GetProperty("type").GetString())
            {
                case "connection_init":
                    await SendAsync(Ack);
                    break;
                case "ping":
                    await SendAsync(Pong);
                    break;
                case "subscribe":
                    var id = root.GetProperty("id").GetString()!;
                    var variables = root.GetProperty("payload").GetProperty("variables");
                    var prompt = variables.GetProperty("prompt").GetString()!;
                    var tokens = variables.GetProperty("tokens").GetInt32();
                    _stream = StreamAsync(id, prompt, tokens, _closing.Token);
                    break;
                case "complete":
                    await _closing.CancelAsync();
                    break;
            }
        }

        private async Task StreamAsync(string id, string prompt, int tokens, CancellationToken cancellationToken)
        {
            // Off the receive loop, like the app's operations.
            await Task.Yield();
            using var frames = new StreamFrames(id);
            try
            {
                await SendAsync(frames.Event("GenerationStarted"), cancellationToken);
                var index = 0;
                foreach (var token in GenerateStream.EchoReply(prompt, tokens))
                {
                    if (delay > TimeSpan.Zero)
                        await Task.Delay(delay, cancellationToken);
                    await SendAsync(frames.Chunk(index++, token), cancellationToken);
                }
                await SendAsync(frames.Event("GenerationCompleted"), cancellationToken);
                await SendAsync(frames.Complete(), cancellationToken);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
                // Stopped by the client, or it went away.
            }
        }

        private async ValueTask SendAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default)
        {
            await _sending.WaitAsync(cancellationToken);
            try
            {
                await socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
            }
            finally
            {
                _sending.Release();
            }
        }

        public void Dispose()
        {
            _sending.Dispose();
            _closing.Dispose();
        }
    }
}

/// <summary>
/// The frames of the app's `generate` stream for one operation id, byte for byte, each written into one reused buffer
/// (valid until the next one is written).
/// </summary>
public sealed class StreamFrames(string id) : IDisposable
{
    private readonly ArrayBufferWriter<byte> _buffer = new(256);
    private Utf8JsonWriter? _writer;

    public ReadOnlyMemory<byte> Chunk(int index, string text)
    {
        var writer = StartNext();
        writer.WriteString("__typename"u8, "TokenChunk"u8);
        writer.WriteNumber("index"u8, index);
        writer.WriteString("text"u8, text);
        return EndNext(writer);
    }

    public ReadOnlyMemory<byte> Event(string typeName)
    {
        var writer = StartNext();
        writer.WriteString("__typename"u8, typeName);
        return EndNext(writer);
    }

    public ReadOnlyMemory<byte> Complete()
    {
        var writer = Start();
        writer.WriteStartObject();
        writer.WriteString("type"u8, "complete"u8);
        writer.WriteString("id"u8, id);
        writer.WriteEndObject();
        writer.Flush();
        return _buffer.WrittenMemory;
    }

    public void Dispose() => _writer?.Dispose();

    private Utf8JsonWriter Start()
    {
        _buffer.ResetWrittenCount();
        if (_writer is null)
            _writer = new Utf8JsonWriter(_buffer);
        else
            _writer.Reset(_buffer);
        return _writer;
    }

    private Utf8JsonWriter StartNext()
    {
        var writer = Start();
        writer.WriteStartObject();
        writer.WriteString("type"u8, "next"u8);
        writer.WriteString("id"u8, id);
        writer.WriteStartObject("payload"u8);
        writer.WriteStartObject("data"u8);
        writer.WriteStartObject("generate"u8);
        return writer;
    }

    private ReadOnlyMemory<byte> EndNext(Utf8JsonWriter writer)
    {
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.Flush();
        return _buffer.WrittenMemory;
    }
}
