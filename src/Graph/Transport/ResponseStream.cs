using System.Threading.Channels;

namespace LlmPlatform.Graph.Transport;

/// <summary>
/// The messages bound for one streaming HTTP response (SSE, multipart), in a bounded queue that one loop writes out in
/// order. A client that reads too slowly to keep the queue under its bound is dropped rather than buffered without
/// end; a stream with nothing to say for a keep-alive interval gets a keep-alive message, so that proxies do not close
/// it as idle and clients can tell it from a dead one.
/// </summary>
internal sealed partial class ResponseStream(int capacity, byte[] keepAlive, Action dropClient, ILogger logger)
{
    private readonly Channel<byte[]> _messages = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(capacity) { SingleReader = true });
    private int _wroteSinceTick;

    /// <summary>
    /// Sends a streaming response's headers and <paramref name="firstBytes"/> at once, since some browsers report a
    /// stream open only when its first byte arrives; false when the client left already.
    /// </summary>
    public static async Task<bool> StartAsync(HttpResponse response, string contentType, byte[] firstBytes, CancellationToken cancellationToken)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = contentType;
        response.Headers.CacheControl = "no-cache";
        // Proxies such as nginx would otherwise hold messages back until their buffer fills.
        response.Headers["X-Accel-Buffering"] = "no";
        try
        {
            await response.Body.WriteAsync(firstBytes, cancellationToken);
            await response.Body.FlushAsync(cancellationToken);
            return true;
        }
        catch (Exception e) when (e is OperationCanceledException or IOException && cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>Queues <paramref name="message"/>; false when the stream is over (completed, or its client was dropped).</summary>
    public bool Write(byte[] message)
    {
        if (_messages.Writer.TryWrite(message))
            return true;
        if (_messages.Writer.TryComplete())
        {
            LogTooSlow(logger, capacity);
            dropClient();
        }
        return false;
    }

    /// <summary>No more messages: the stream ends once those queued are written.</summary>
    public void Complete() => _messages.Writer.TryComplete();

    /// <summary>
    /// Writes the queued messages to <paramref name="body"/> as they come, until the stream is completed or
    /// <paramref name="cancellationToken"/> (the client left) fires, and the keep-alive message whenever it was idle.
    /// </summary>
    public async Task WriteToAsync(Stream body, TimeSpan keepAliveInterval, TimeProvider clock, CancellationToken cancellationToken)
    {
        await using var timer = clock.CreateTimer(static state => ((ResponseStream)state!).Tick(), this, keepAliveInterval, keepAliveInterval);
        try
        {
            await foreach (var message in _messages.Reader.ReadAllAsync(cancellationToken))
            {
                Volatile.Write(ref _wroteSinceTick, 1);
                await body.WriteAsync(message, cancellationToken);
                await body.FlushAsync(cancellationToken);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException && cancellationToken.IsCancellationRequested)
        {
            // The client left: whoever owns the operations stops them.
        }
    }

    private void Tick()
    {
        if (Interlocked.Exchange(ref _wroteSinceTick, 0) == 0)
            _messages.Writer.TryWrite(keepAlive);
    }

    [LoggerMessage(EventId = 2201, Level = LogLevel.Warning, Message = "Dropping a streaming HTTP client that reads too slowly ({Buffered} messages buffered)")]
    private static partial void LogTooSlow(ILogger logger, int buffered);
}
