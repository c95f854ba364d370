using System.Buffers;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Threading.Channels;

namespace LlmPlatform.Graph.Transport.WebSockets;

/// <summary>What a subprotocol does with the messages of one connection.</summary>
internal interface IWebSocketProtocol : IAsyncDisposable
{
    /// <summary>The connection is open (start timers here).</summary>
    void Opened(WebSocketConnection connection);

    /// <summary>A whole text message arrived. Runs on the receive loop: start long work, don't await it.</summary>
    ValueTask ReceivedAsync(ReadOnlyMemory<byte> message);
}

/// <summary>
/// One WebSocket: a receive loop that hands whole messages (up to a size limit) to the protocol, and a single
/// writer that sends queued messages in order. The queue is bounded: a client that reads too slowly is
/// disconnected with a close reason instead of growing the server's memory.
/// </summary>
internal sealed partial class WebSocketConnection(WebSocket socket, TransportOptions options, ILogger logger)
{
    /// <summary>Sent when the client does not read its messages fast enough.</summary>
    public const string TooSlowReason = "Client too slow: outbound buffer full";

    private readonly Channel<byte[]> _outbound = Channel.CreateBounded<byte[]>(
        new BoundedChannelOptions(options.OutboundBufferMessages) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly CancellationTokenSource _closing = new();
    private readonly CancellationTokenSource _giveUp = new();
    private readonly Lock _gate = new();
    private (WebSocketCloseStatus Status, string Reason)? _close;
    private volatile bool _discardPending;

    /// <summary>Cancelled when the connection is closing: operations stop producing.</summary>
    public CancellationToken Closing => _closing.Token;

    public async Task RunAsync(IWebSocketProtocol protocol, CancellationToken aborted)
    {
        using var abortRegistration = aborted.Register(() =>
        {
            _closing.Cancel();
            socket.Abort();
        });
        var writer = WriteLoopAsync();
        protocol.Opened(this);
        try
        {
            await ReceiveLoopAsync(protocol);
        }
        finally
        {
            _closing.Cancel();
            await protocol.DisposeAsync();
            _outbound.Writer.TryComplete();
            await writer;
        }
    }

    /// <summary>
    /// The <see cref="Stopwatch"/> timestamp at which the message being handled was read whole: where an operation it
    /// starts begins, for the server's measured overhead. Messages are handled one at a time, in order.
    /// </summary>
    public long MessageReceivedAt { get; private set; }

    /// <summary>Queues a message; false when the connection is closing or the client is too slow (it is then closed).</summary>
    public bool Send(byte[] message)
    {
        if (_outbound.Writer.TryWrite(message))
            return true;
        if (!_closing.IsCancellationRequested)
        {
            LogTooSlow(logger, options.OutboundBufferMessages);
            // What is queued will not be read in time anyway; the close frame goes next.
            _discardPending = true;
            Close((WebSocketCloseStatus)CloseCodes.PolicyViolation, TooSlowReason);
        }
        return false;
    }

    /// <summary>
    /// Closes the connection with a code and reason, after the messages already queued (unless discarded).
    /// A client that does not answer the close frame within <see cref="TransportOptions.CloseTimeout"/> is cut off.
    /// </summary>
    public void Close(WebSocketCloseStatus status, string reason)
    {
        lock (_gate)
        {
            if (_close is not null)
                return;
            _close = (status, reason);
        }
        LogClosing(logger, (int)status, reason);
        _outbound.Writer.TryComplete();
        _closing.Cancel();
        _giveUp.CancelAfter(options.CloseTimeout);
        _giveUp.Token.UnsafeRegister(static state => ((WebSocket)state!).Abort(), socket);
    }

    private async Task ReceiveLoopAsync(IWebSocketProtocol protocol)
    {
        var chunk = ArrayPool<byte>.Shared.Rent(4096);
        var message = new ArrayBufferWriter<byte>(4096);
        try
        {
            // Keep reading after a close is requested: the client's close frame ends the loop.
            while (socket.State is WebSocketState.Open or WebSocketState.CloseSent)
            {
                var received = await socket.ReceiveAsync(chunk.AsMemory(), CancellationToken.None);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    Close((WebSocketCloseStatus)CloseCodes.NormalClosure, "");
                    return;
                }
                if (_close is not null)
                    continue;
                if (message.WrittenCount + received.Count > options.MaxWebSocketMessageSize)
                {
                    Close((WebSocketCloseStatus)CloseCodes.MessageTooBig, $"Messages are limited to {options.MaxWebSocketMessageSize} bytes");
                    continue;
                }
                message.Write(chunk.AsSpan(0, received.Count));
                if (!received.EndOfMessage)
                    continue;
                if (received.MessageType == WebSocketMessageType.Binary)
                    Close((WebSocketCloseStatus)CloseCodes.UnsupportedData, "Only text messages are accepted");
                else
                {
                    MessageReceivedAt = Stopwatch.GetTimestamp();
                    await protocol.ReceivedAsync(message.WrittenMemory);
                }
                message.ResetWrittenCount();
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client went away without a close handshake, or was cut off.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    private async Task WriteLoopAsync()
    {
        try
        {
            await foreach (var message in _outbound.Reader.ReadAllAsync())
            {
                if (_discardPending)
                    continue;
                await socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, _giveUp.Token);
            }
            if (_close is { } close && socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                await socket.CloseOutputAsync(close.Status, close.Reason, _giveUp.Token);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            socket.Abort();
        }
    }

    [LoggerMessage(EventId = 2111, Level = LogLevel.Warning, Message = "Closing a WebSocket whose client reads too slowly ({Buffered} messages buffered)")]
    private static partial void LogTooSlow(ILogger logger, int buffered);

    [LoggerMessage(EventId = 2112, Level = LogLevel.Debug, Message = "Closing a WebSocket with {Code}: {Reason}")]
    private static partial void LogClosing(ILogger logger, int code, string reason);
}
