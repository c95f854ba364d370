using System.ComponentModel.DataAnnotations;

namespace LlmPlatform.Graph.Transport;

/// <summary>Limits of the transports, with their defaults. Section <c>Transport</c>.</summary>
public sealed class TransportOptions
{
    public const string Section = "Transport";

    /// <summary>Largest request body accepted over HTTP, in bytes; larger bodies get 413.</summary>
    [Range(1, 100 * 1024 * 1024)]
    public long MaxRequestBodySize { get; set; } = 256 * 1024;

    /// <summary>Longest query string accepted in a GET, in characters; longer ones get 414.</summary>
    [Range(1, 1024 * 1024)]
    public int MaxQueryStringLength { get; set; } = 16 * 1024;

    /// <summary>How long a WebSocket client has to send its init message before the socket is closed (4408).</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan ConnectionInitTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How often the server pings an idle WebSocket client (protocol ping, and the WebSocket's own), and sends a
    /// keep-alive on an idle SSE stream (a comment) or multipart response (a <c>{}</c> part).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(12);

    /// <summary>
    /// How long a WebSocket peer has to answer the server's ping (the WebSocket's own, which browsers answer by
    /// themselves) before the connection is dropped: a client whose network vanished stops holding its operations.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Largest WebSocket message accepted, in bytes; larger ones close the socket (1009).</summary>
    [Range(1, 100 * 1024 * 1024)]
    public int MaxWebSocketMessageSize { get; set; } = 256 * 1024;

    /// <summary>Most operations running at once on one WebSocket or single-connection SSE stream; more are refused with an error.</summary>
    [Range(1, 100_000)]
    public int MaxOperationsPerConnection { get; set; } = 100;

    /// <summary>Messages queued for one client before it counts as too slow and is disconnected.</summary>
    [Range(1, 1_000_000)]
    public int OutboundBufferMessages { get; set; } = 4096;

    /// <summary>How long a closing client has to take the close frame and answer it before it is cut off.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan CloseTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
