using System.Diagnostics;
using GraphQL;
using GraphQLParser.AST;

namespace LlmPlatform.Graph.Telemetry;

/// <summary>
/// Observes one GraphQL operation: its span (named by operation type and name once they are known, the parent of the
/// generation's provider span and of the database spans) and its duration and errors. Never records the document or
/// variables: they carry prompts.
/// </summary>
public sealed class OperationTelemetry(GraphMetrics metrics)
{
    private const string UnknownOperation = "unknown";

    /// <summary>Starts observing; call <see cref="Observation.Executed"/> with the result, then dispose.</summary>
    public Observation Start() => new(metrics, GraphActivitySource.Instance.StartActivity("graphql.operation", ActivityKind.Internal), Stopwatch.GetTimestamp());

    public readonly struct Observation(GraphMetrics metrics, Activity? activity, long startedAt) : IDisposable
    {
        /// <summary>The operation ended with <paramref name="result"/>; <paramref name="requestedName"/> names it when the document could not be read.</summary>
        public void Executed(ExecutionResult result, string? requestedName)
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
            var name = operation?.Name?.StringValue ?? requestedName;
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
