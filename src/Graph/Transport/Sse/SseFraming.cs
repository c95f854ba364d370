using System.Text;
using System.Text.Json;
using GraphQL;

namespace LlmPlatform.Graph.Transport.Sse;

/// <summary>
/// graphql-sse's events: `next` with a result and `complete`; in single connection mode each carries the operation's
/// id (`{ "id", "payload" }` and `{ "id" }`), so that one stream can serve many operations.
/// </summary>
internal sealed class SseFraming(IGraphQLTextSerializer serializer, string? operationId) : IResultFraming
{
    public const string EventStream = "text/event-stream";

    public const string EventStreamUtf8 = EventStream + "; charset=utf-8";

    /// <summary>A comment: the first byte of every stream, and its keep-alive.</summary>
    public static readonly byte[] Comment = ":\n\n"u8.ToArray();

    private readonly string? _quotedId = operationId is null ? null : JsonSerializer.Serialize(operationId);

    public byte[] Next(ExecutionResult result)
    {
        var json = serializer.Serialize(result);
        return Encoding.UTF8.GetBytes(_quotedId is null
            ? "event: next\ndata: " + json + "\n\n"
            : "event: next\ndata: {\"id\":" + _quotedId + ",\"payload\":" + json + "}\n\n");
    }

    public byte[] Refused(IReadOnlyList<ExecutionError> errors) => [.. Next(new ExecutionResult { Errors = [.. errors] }), .. Completed()];

    public byte[] Failed(ExecutionError error) => Refused([error]);

    public byte[] Completed() => Encoding.UTF8.GetBytes(_quotedId is null
        ? "event: complete\ndata: \n\n"
        : "event: complete\ndata: {\"id\":" + _quotedId + "}\n\n");
}
