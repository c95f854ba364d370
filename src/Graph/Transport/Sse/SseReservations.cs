using System.Buffers.Text;
using System.Security.Cryptography;
using LlmPlatform.Graph.Transport.Http;
using Microsoft.Extensions.Options;

namespace LlmPlatform.Graph.Transport.Sse;

/// <summary>
/// The reservations of graphql-sse's single connection mode, by token, each counted against its caller and against
/// the server's bound until its stream closes or, never connected, it expires.
/// </summary>
internal sealed class SseReservations(
    IOptions<SseOptions> options,
    IOptions<TransportOptions> transport,
    TimeProvider clock,
    ILogger<SseReservations> logger)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, SseReservation> _byToken = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _perCaller = new(StringComparer.Ordinal);

    /// <summary>A new reservation for <paramref name="caller"/>, or why there is none.</summary>
    public (SseReservation? Reservation, RequestError? Error) Reserve(string caller)
    {
        // 256 random bits: the token alone admits its holder to the stream (a browser's EventSource sends no headers).
        var token = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        SseReservation reservation;
        lock (_gate)
        {
            var mine = _perCaller.GetValueOrDefault(caller);
            if (mine >= options.Value.MaxStreamsPerCaller)
                return (null, TooMany($"At most {options.Value.MaxStreamsPerCaller} event streams may be reserved or open per caller; close one first."));
            if (_byToken.Count >= options.Value.MaxStreams)
                return (null, TooMany("The server holds as many event streams as it may; try again later."));
            reservation = new SseReservation(token, caller, transport.Value, logger, Remove);
            _byToken.Add(token, reservation);
            _perCaller[caller] = mine + 1;
        }
        reservation.ExpireUnlessConnected(clock, options.Value.ReservationTimeout);
        return (reservation, null);
    }

    public SseReservation? Find(string token)
    {
        lock (_gate)
            return _byToken.GetValueOrDefault(token);
    }

    private void Remove(SseReservation reservation)
    {
        lock (_gate)
        {
            if (!_byToken.Remove(reservation.Token))
                return;
            if (--_perCaller[reservation.Caller] == 0)
                _perCaller.Remove(reservation.Caller);
        }
    }

    private static RequestError TooMany(string message) => new(StatusCodes.Status429TooManyRequests, "TOO_MANY_STREAMS", message);
}
