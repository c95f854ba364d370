using System.Text;
using System.Threading.Channels;
using GraphQL;
using LlmPlatform.Graph.Transport.Http;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace LlmPlatform.Graph.Transport.Sse;

/// <summary>
/// GraphQL over Server-Sent Events, graphql-sse's distinct connections mode: a POST that accepts
/// text/event-stream gets one `next` event per result and a final `complete`; closing the request stops the
/// operation. Errors found before execution arrive as a `next` event too, as that protocol asks.
/// </summary>
internal sealed partial class GraphQLSseEndpoint(
    OperationExecutor executor,
    IServiceScopeFactory scopes,
    IGraphQLTextSerializer serializer,
    IOptions<TransportOptions> options,
    ICallerAuthenticator authenticator,
    TimeProvider clock,
    ILogger<GraphQLSseEndpoint> logger)
{
    public const string EventStream = "text/event-stream";

    private static readonly byte[] CompleteEvent = "event: complete\ndata: \n\n"u8.ToArray();

    private readonly HttpRequestReader _reader = new(serializer, options.Value);

    /// <summary>True for a request this endpoint serves: a POST whose Accept names text/event-stream.</summary>
    public static bool Accepts(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        // Most requests are not for a stream: a substring check spares them parsing the header.
        return HttpMethods.IsPost(request.Method)
            && request.Headers.Accept.ToString().Contains(EventStream, StringComparison.OrdinalIgnoreCase)
            && MediaTypeHeaderValue.TryParseList(request.Headers.Accept, out var accepted)
            && accepted.Any(a => string.Equals(a.MediaType.Value, EventStream, StringComparison.OrdinalIgnoreCase) && (a.Quality ?? 1) > 0);
    }

    public async Task HandleAsync(HttpContext context)
    {
        var (operations, error) = await _reader.ReadAsync(context);
        if (error is not null)
        {
            // Not a GraphQL request at all: answered as GraphQL over HTTP would, before any stream opens.
            context.Response.StatusCode = error.StatusCode;
            context.Response.ContentType = MediaTypes.JsonUtf8;
            await serializer.WriteAsync(context.Response.Body, new ExecutionResult { Errors = [new ExecutionError(error.Message) { Code = error.Code }] }, context.RequestAborted);
            return;
        }

        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = EventStream + "; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        // Proxies such as nginx would otherwise hold events back until their buffer fills.
        response.Headers["X-Accel-Buffering"] = "no";
        try
        {
            // Some browsers fire no open event until the first byte arrives: send a comment at once.
            await response.Body.WriteAsync(":\n\n"u8.ToArray(), context.RequestAborted);
            await response.Body.FlushAsync(context.RequestAborted);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return;
        }

        var events = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(options.Value.OutboundBufferMessages) { SingleReader = true });
        var sink = new Sink(events.Writer, serializer, context, logger, options.Value.OutboundBufferMessages);
        await using var operation = new RunningOperation(scopes, context.RequestAborted);
        // The reader accepts no batch here: distinct connections mode streams one operation per request.
        operation.Start(executor, operations!.Requests[0], context.User, context.Connection.RemoteIpAddress, sink);
        await using var expiry = TokenExpiry.Schedule(authenticator, context.User, clock, () => sink.Failed(TokenExpiry.Error()));
        try
        {
            await foreach (var message in events.Reader.ReadAllAsync(context.RequestAborted))
            {
                await response.Body.WriteAsync(message, context.RequestAborted);
                await response.Body.FlushAsync(context.RequestAborted);
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client closed the stream: the operation is disposed below, which stops its source.
        }
    }

    private sealed class Sink(ChannelWriter<byte[]> events, IGraphQLTextSerializer serializer, HttpContext context, ILogger logger, int buffer)
        : IOperationSink
    {
        public void Refused(IReadOnlyList<ExecutionError> errors)
        {
            Write(NextEvent(new ExecutionResult { Errors = [.. errors] }));
            Write(CompleteEvent);
            events.TryComplete();
        }

        public void Next(ExecutionResult result) => Write(NextEvent(result));

        public void Failed(ExecutionError error)
        {
            Write(NextEvent(new ExecutionResult { Errors = [error] }));
            Write(CompleteEvent);
            events.TryComplete();
        }

        public void Completed()
        {
            Write(CompleteEvent);
            events.TryComplete();
        }

        private byte[] NextEvent(ExecutionResult result) => Encoding.UTF8.GetBytes("event: next\ndata: " + serializer.Serialize(result) + "\n\n");

        private void Write(byte[] message)
        {
            if (events.TryWrite(message))
                return;
            // The client reads too slowly: drop it rather than buffer without bound.
            if (events.TryComplete())
            {
                LogTooSlow(logger, buffer);
                context.Abort();
            }
        }
    }

    [LoggerMessage(EventId = 2201, Level = LogLevel.Warning, Message = "Dropping an SSE client that reads too slowly ({Buffered} events buffered)")]
    private static partial void LogTooSlow(ILogger logger, int buffered);
}
