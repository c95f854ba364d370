using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace LlmPlatform.Graph.Telemetry;

/// <summary>
/// The host's instruments, on meter <see cref="MeterName"/>: GraphQL operations (duration and errors, by operation
/// type and name) and open WebSocket and SSE connections.
/// </summary>
public sealed class GraphMetrics
{
    public const string MeterName = "LlmPlatform.Graph";

    private readonly Histogram<double> _operationDuration;
    private readonly Counter<long> _operationErrors;
    private readonly UpDownCounter<long> _webSockets;
    private readonly UpDownCounter<long> _sseStreams;

    public GraphMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(MeterName);
        _operationDuration = meter.CreateHistogram<double>("llmplatform.graphql.operation.duration", "s",
            "Seconds to execute a GraphQL operation (a subscription: until its stream is ready).",
            tags: null, advice: new() { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
        _operationErrors = meter.CreateCounter<long>("llmplatform.graphql.operation.errors", "{operation}",
            "GraphQL operations whose result carried errors, by the first error's code.");
        _webSockets = meter.CreateUpDownCounter<long>("llmplatform.websocket.connections", "{connection}",
            "Open GraphQL WebSocket connections, by subprotocol.");
        _sseStreams = meter.CreateUpDownCounter<long>("llmplatform.sse.connections", "{connection}",
            "Open GraphQL over SSE event streams, by mode.");
    }

    public void OperationExecuted(TimeSpan duration, string operationType, string? operationName, string? errorType)
    {
        var tags = new TagList { { TagNames.OperationType, operationType } };
        if (operationName is not null)
            tags.Add(TagNames.OperationName, operationName);
        _operationDuration.Record(duration.TotalSeconds, tags);
        if (errorType is null)
            return;
        tags.Add(TagNames.ErrorType, errorType);
        _operationErrors.Add(1, tags);
    }

    /// <summary>A WebSocket connection opened; dispose the result when it closes.</summary>
    public IDisposable WebSocketOpened(string? subprotocol) =>
        new Open(_webSockets, new KeyValuePair<string, object?>("network.protocol.name", subprotocol ?? "none"));

    /// <summary>An SSE event stream opened (<paramref name="mode"/>: "distinct" or "single"); dispose the result when it closes.</summary>
    public IDisposable SseOpened(string mode) => new Open(_sseStreams, new KeyValuePair<string, object?>("llmplatform.sse.mode", mode));

    /// <summary>GraphQL's semantic convention names.</summary>
    public static class TagNames
    {
        public const string OperationType = "graphql.operation.type";
        public const string OperationName = "graphql.operation.name";
        public const string ErrorType = "error.type";
    }

    private sealed class Open : IDisposable
    {
        private readonly UpDownCounter<long> _counter;
        private readonly KeyValuePair<string, object?> _tag;
        private int _closed;

        public Open(UpDownCounter<long> counter, KeyValuePair<string, object?> tag)
        {
            _counter = counter;
            _tag = tag;
            counter.Add(1, tag);
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _closed, 1) == 0)
                _counter.Add(-1, _tag);
        }
    }
}
