using System.ComponentModel.DataAnnotations;

namespace LlmPlatform.Graph.Transport.Sse;

/// <summary>
/// graphql-sse's single connection mode: reservations (PUT) and the event streams that fulfil them.
/// Section <c>Transport:Sse</c>. Operations per stream: <see cref="TransportOptions.MaxOperationsPerConnection"/>.
/// </summary>
public sealed class SseOptions
{
    public const string Section = "Transport:Sse";

    /// <summary>How long a reservation waits for its event stream (the GET); then it and its operations are dropped.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan ReservationTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Most reservations and open single-connection streams of one caller (a user, or a client address without a token).</summary>
    [Range(1, 10_000)]
    public int MaxStreamsPerCaller { get; set; } = 10;

    /// <summary>Most reservations and open single-connection streams of all callers together.</summary>
    [Range(1, 1_000_000)]
    public int MaxStreams { get; set; } = 10_000;
}
