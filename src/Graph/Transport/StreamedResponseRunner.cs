using System.Diagnostics;
using GraphQL;
using LlmPlatform.Graph.Transport.Http;
using Microsoft.Extensions.Options;

namespace LlmPlatform.Graph.Transport;

/// <summary>
/// Serves one operation as a streaming HTTP response (SSE distinct connections, multipart): reads the request, then
/// streams its results framed as the protocol asks, with keep-alives when idle and an error when the caller's token
/// expires; the operation stops when it ends or the client leaves.
/// </summary>
internal sealed class StreamedResponseRunner(
    OperationExecutor executor,
    IServiceScopeFactory scopes,
    IGraphQLTextSerializer serializer,
    IOptions<TransportOptions> options,
    ICallerAuthenticator authenticator,
    TimeProvider clock,
    ILogger<StreamedResponseRunner> logger)
{
    private readonly HttpRequestReader _reader = new(serializer, options.Value);

    /// <param name="contentType">The response's media type.</param>
    /// <param name="firstBytes">Sent with the headers, before any result.</param>
    /// <param name="framing">How results are written.</param>
    /// <param name="keepAlive">Sent when the stream was idle for <see cref="TransportOptions.KeepAliveInterval"/>.</param>
    public async Task ServeAsync(HttpContext context, string contentType, byte[] firstBytes, IResultFraming framing, byte[] keepAlive)
    {
        var receivedAt = Stopwatch.GetTimestamp();
        var (operations, error) = await _reader.ReadAsync(context);
        if (error is not null)
        {
            // Not a GraphQL request at all: answered as GraphQL over HTTP would, before any stream opens.
            await RequestErrorResponse.WriteAsync(context, serializer, error);
            return;
        }
        if (!await ResponseStream.StartAsync(context.Response, contentType, firstBytes, context.RequestAborted))
            return;

        var stream = new ResponseStream(options.Value.OutboundBufferMessages, keepAlive, context.Abort, logger);
        var sink = new FramedSink(framing, stream.Write, stream.Complete);
        await using var operation = new RunningOperation(scopes, context.RequestAborted);
        // The reader accepts no batch here: these transports stream one operation per request.
        operation.Start(executor, operations!.Requests[0], context.User, context.Connection.RemoteIpAddress, receivedAt, sink);
        await using var expiry = TokenExpiry.Schedule(authenticator, context.User, clock, () => sink.Failed(TokenExpiry.Error()));
        // When the client closes the stream, the operation is disposed here, which stops its source.
        await stream.WriteToAsync(context.Response.Body, options.Value.KeepAliveInterval, clock, context.RequestAborted);
    }
}
