using System.Net;
using LlmPlatform.Graph.Tests.Infrastructure;

namespace LlmPlatform.Graph.Tests.Transport.Sse;

/// <summary>Reservations of graphql-sse's single connection mode are bounded per caller and expire unconnected.</summary>
public sealed class GraphQLSseReservationLimitsTests(GraphQLSseReservationLimitsTests.FewReservationsServer server)
    : IClassFixture<GraphQLSseReservationLimitsTests.FewReservationsServer>
{
    public sealed class FewReservationsServer : StreamingServer
    {
        public const int PerCaller = 2;

        public FewReservationsServer()
        {
            Set("Transport:Sse:MaxStreamsPerCaller", PerCaller.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Set("Transport:Sse:ReservationTimeout", "00:00:02");
        }
    }

    [Fact]
    public async Task Reserve_OverThePerCallerLimit_429UntilTheUnconnectedReservationsExpire()
    {
        var tokens = new List<string>();
        for (var i = 0; i < FewReservationsServer.PerCaller; i++)
            tokens.Add(await SseSingleConnection.ReserveTokenAsync(server));

        using var refused = await SseSingleConnection.ReserveAsync(server);
        Assert.Equal((HttpStatusCode)429, refused.StatusCode);
        Assert.Equal("TOO_MANY_STREAMS", await SseSingleConnection.ErrorCodeAsync(refused));

        // Never connected, they expire: their tokens no longer open a stream, and the caller may reserve again.
        await WaitUntilGoneAsync(tokens[^1]);
        await using var expired = await SseSingleConnection.ConnectAsync(server, tokens[0]);
        Assert.Equal(HttpStatusCode.NotFound, expired.Response.StatusCode);
        Assert.NotEmpty(await SseSingleConnection.ReserveTokenAsync(server));
    }

    private async Task WaitUntilGoneAsync(string token)
    {
        using var timeout = new CancellationTokenSource(GenerationStreams.Wait);
        while (true)
        {
            using var deleted = await SseSingleConnection.DeleteAsync(server, token, "nothing");
            if (deleted.StatusCode == HttpStatusCode.NotFound)
                return;
            await Task.Delay(TimeSpan.FromMilliseconds(100), timeout.Token);
        }
    }
}
