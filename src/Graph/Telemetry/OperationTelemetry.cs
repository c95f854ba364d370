using System.Diagnostics;
using GraphQL;
using GraphQLParser.AST;

namespace LlmPlatform.Graph.Telemetry;

/// <summary>
/// Observes one GraphQL operation: its span (named by operation type and name once they are known, the parent of the
/// generation's provider span and of the database spans) and its duration and errors. Never records the document or
/// variables: they carry prompts. The operation's name is bounded by <see cref="OperationNameLabels"/>.
/// </summary>
public sealed class OperationTelemetry(GraphMetrics metrics, OperationNameLabels names)
{
    private const string UnknownOperation = "unknown";

    /// <summary>Starts observing; call <see cref="Observation.Executed"/> with the result, then dispose.</summary>
    public Observation Start() => new(metrics, names, GraphActivitySource.Instance.StartActivity("graphql.operation", ActivityKind.Internal), Stopwatch.GetTimestamp());

    public readonly struct Observation(GraphMetrics metrics, OperationNameLabels names, Activity? activity, long startedAt) : IDisposable
    {
        /// <summary>
        /// The operation ended with <paramref name="result"/>; <paramref name="requestedName"/> names it when the document
        /// could not be read; <paramref name="byDocumentId"/> when it was asked for by a trusted document's id.
        /// </summary>
        public void Executed(ExecutionResult result, string? requestedName, bool byDocumentId)
        {
            ArgumentNullException.ThrowIfNull(result);
            // A document that failed validation has no selected operation: "unknown", by the name the client gave.
            var operation = result.Operation;
            var type = operation?.Operation switch
            {
                OperationType.Query => "query",
                OperationType.Mutation => "mutation",
                OperationType.Subscription => "subscription",
                _ => UnknownOperation,
            };
            // A document id that was found names a trusted document; one that was not leaves no operation.
            var name = names.LabelFor(operation?.Name?.StringValue ?? requestedName, trusted: byDocumentId && operation is not null);
            var errorType = result.Errors is { Count: > 0 } errors ? errors[0].Code ?? errors[0].GetType().Name : null;
            metrics.OperationExecuted(Stopwatch.GetElapsedTime(startedAt), type, name, errorType);
            if (activity is null)
                return;
            activity.DisplayName = name is null ? type : $"{type} {name}";
            activity.SetTag(GraphMetrics.TagNames.OperationType, type);
            if (name is not null)
                activity.SetTag(GraphMetrics.TagNames.OperationName, name);
            if (errorType is not null)
            {
                activity.SetTag(GraphMetrics.TagNames.ErrorType, errorType);
                activity.SetStatus(ActivityStatusCode.Error);
            }
        }

        public void Dispose() => activity?.Dispose();
    }
}
