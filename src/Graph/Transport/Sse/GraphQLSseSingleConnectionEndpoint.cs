using System.Diagnostics;
using System.Security.Claims;
using GraphQL;
using LlmPlatform.Graph.Telemetry;
using LlmPlatform.Graph.Transport.Http;
using Microsoft.Extensions.Options;

namespace LlmPlatform.Graph.Transport.Sse;

/// <summary>
/// graphql-sse's single connection mode (its PROTOCOL.md), for browsers on HTTP/1.1, which open at most six streams
/// per server: PUT reserves an event stream and answers its token; GET with the token opens that one stream; each
/// operation is POSTed with the token and an <c>extensions.operationId</c> (202), its results arriving on the stream as
/// `next` and `complete` events that carry the id; DELETE with <c>?operationId=</c> stops one. The token travels in
/// the <c>x-graphql-event-stream-token</c> header, or the <c>token</c> query parameter (all an EventSource can send).
/// </summary>
internal sealed class GraphQLSseSingleConnectionEndpoint(
    SseReservations reservations,
    OperationServices services,
    IOptions<TransportOptions> options,
    GraphMetrics metrics)
{
    public const string TokenHeader = "x-graphql-event-stream-token";
    public const string TokenQueryParameter = "token";

    private readonly HttpRequestReader _reader = new(services.Serializer, options.Value);

    /// <summary>True for a request of single connection mode: a reservation (PUT), or any request with a token.</summary>
    public static bool Accepts(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return HttpMethods.IsPut(request.Method) || TokenOf(request) is not null;
    }

    public Task HandleAsync(HttpContext context)
    {
        var method = context.Request.Method;
        if (HttpMethods.IsPut(method))
            return ReserveAsync(context);
        if (reservations.Find(TokenOf(context.Request)!) is not { } reservation)
        {
            return WriteErrorAsync(context, new RequestError(StatusCodes.Status404NotFound, "STREAM_NOT_FOUND",
                "No event stream is reserved with this token (it expired or closed); reserve one with PUT."));
        }
        if (HttpMethods.IsGet(method))
            return ConnectAsync(context, reservation);
        // Operations run as the caller who sent them; only the one who reserved the stream may use it.
        if (!string.Equals(CallerOf(context), reservation.Caller, StringComparison.Ordinal))
        {
            return WriteErrorAsync(context, new RequestError(StatusCodes.Status403Forbidden, "FORBIDDEN",
                "This event stream was reserved by another caller."));
        }
        if (HttpMethods.IsPost(method))
            return ExecuteAsync(context, reservation);
        if (HttpMethods.IsDelete(method))
            return StopAsync(context, reservation);
        context.Response.Headers.Allow = "GET, POST, PUT, DELETE";
        return WriteErrorAsync(context, new RequestError(StatusCodes.Status405MethodNotAllowed, "METHOD_NOT_ALLOWED",
            "With an event stream token use GET (the stream), POST (an operation) or DELETE (stop one)."));
    }

    private async Task ReserveAsync(HttpContext context)
    {
        var (reservation, error) = reservations.Reserve(CallerOf(context));
        if (error is not null)
        {
            await WriteErrorAsync(context, error);
            return;
        }
        context.Response.StatusCode = StatusCodes.Status201Created;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(reservation!.Token, context.RequestAborted);
    }

    private async Task ConnectAsync(HttpContext context, SseReservation reservation)
    {
        if (!GraphQLSseEndpoint.AcceptsEventStream(context.Request))
        {
            await WriteErrorAsync(context, new RequestError(StatusCodes.Status406NotAcceptable, "NOT_ACCEPTABLE",
                $"The event stream is sent as {SseFraming.EventStream}; accept it."));
            return;
        }
        if (!reservation.TryConnect())
        {
            await WriteErrorAsync(context, new RequestError(StatusCodes.Status409Conflict, "STREAM_ALREADY_OPEN",
                "The event stream of this reservation is open already; one reservation admits one stream."));
            return;
        }
        await using (reservation)
        {
            using var open = metrics.SseOpened("single");
            if (!await ResponseStream.StartAsync(context.Response, SseFraming.EventStreamUtf8, SseFraming.Comment, context.RequestAborted))
                return;
            using var ended = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, reservation.Closing);
            // The reservation ends with its stream, stopping the operations on it: a client that reconnects reserves anew.
            await reservation.Stream.WriteToAsync(context.Response.Body, options.Value.KeepAliveInterval, services.Clock, ended.Token);
        }
    }

    private async Task ExecuteAsync(HttpContext context, SseReservation reservation)
    {
        var receivedAt = Stopwatch.GetTimestamp();
        var (operations, error) = await _reader.ReadAsync(context);
        var request = operations?.Requests[0];
        var id = request?.Extensions?.TryGetValue("operationId", out var value) == true && value is string { Length: > 0 } text ? text : null;
        error ??= id is null
            ? RequestError.BadRequest("An operation on an event stream needs an id: `extensions.operationId`, a non-empty string.")
            : reservation.Start(id, request!, context.User, context.Connection.RemoteIpAddress, receivedAt, services);
        if (error is not null)
        {
            await WriteErrorAsync(context, error);
            return;
        }
        // Parse and validation errors, like results, arrive on the stream under the operation's id, where the client
        // reads them as its result; answered here, they would reach it only as a failed request with no detail.
        context.Response.StatusCode = StatusCodes.Status202Accepted;
    }

    private async Task StopAsync(HttpContext context, SseReservation reservation)
    {
        if (context.Request.Query["operationId"] is not [{ Length: > 0 } id])
        {
            await WriteErrorAsync(context, RequestError.BadRequest("Name the operation to stop: `?operationId=`."));
            return;
        }
        // Stopping an operation that already ended is no error: the client cannot know it ended before it asked.
        await reservation.StopAsync(id);
        context.Response.StatusCode = StatusCodes.Status200OK;
    }

    private Task WriteErrorAsync(HttpContext context, RequestError error) => RequestErrorResponse.WriteAsync(context, services.Serializer, error);

    private static string? TokenOf(HttpRequest request) =>
        request.Headers[TokenHeader] is [{ Length: > 0 } header] ? header
        : request.Query[TokenQueryParameter] is [{ Length: > 0 } query] ? query
        : null;

    /// <summary>Who asks: a user by their subject, else a client address (for callers without a token).</summary>
    private static string CallerOf(HttpContext context) =>
        context.User.Identity?.IsAuthenticated == true
            ? "user:" + (context.User.FindFirstValue("sub") ?? context.User.FindFirstValue(ClaimTypes.NameIdentifier) ?? context.User.Identity.Name)
            : "address:" + context.Connection.RemoteIpAddress;
}
