using GraphQL;
using LlmPlatform.Graph.Telemetry;
using Microsoft.Net.Http.Headers;

namespace LlmPlatform.Graph.Transport.Sse;

/// <summary>
/// GraphQL over Server-Sent Events, graphql-sse's distinct connections mode: a POST that accepts
/// text/event-stream gets one `next` event per result and a final `complete`; closing the request stops the
/// operation. Errors found before execution arrive as a `next` event too, as that protocol asks.
/// </summary>
internal sealed class GraphQLSseEndpoint(StreamedResponseRunner runner, IGraphQLTextSerializer serializer, GraphMetrics metrics)
{
    /// <summary>True for a request this endpoint serves: a POST whose Accept names text/event-stream.</summary>
    public static bool Accepts(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return HttpMethods.IsPost(request.Method) && AcceptsEventStream(request);
    }

    /// <summary>True when the request's Accept names text/event-stream (with a quality above 0).</summary>
    public static bool AcceptsEventStream(HttpRequest request) =>
        // Most requests are not for a stream: a substring check spares them parsing the header.
        request.Headers.Accept.ToString().Contains(SseFraming.EventStream, StringComparison.OrdinalIgnoreCase)
        && MediaTypeHeaderValue.TryParseList(request.Headers.Accept, out var accepted)
        && accepted.Any(a => string.Equals(a.MediaType.Value, SseFraming.EventStream, StringComparison.OrdinalIgnoreCase) && (a.Quality ?? 1) > 0);

    public async Task HandleAsync(HttpContext context)
    {
        using var open = metrics.SseOpened("distinct");
        await runner.ServeAsync(context, SseFraming.EventStreamUtf8, SseFraming.Comment, new SseFraming(serializer, operationId: null), SseFraming.Comment);
    }
}
