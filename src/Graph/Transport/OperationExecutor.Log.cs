namespace LlmPlatform.Graph.Transport;

internal sealed partial class OperationExecutor
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 2101, Level = LogLevel.Error, Message = "GraphQL operation {OperationName} failed at {Path}")]
        public static partial void Fault(ILogger logger, Exception exception, string? operationName, string? path);

        [LoggerMessage(EventId = 2102, Level = LogLevel.Warning, Message = "GraphQL operation {OperationName} ran out of time and was stopped")]
        public static partial void TimedOut(ILogger logger, string? operationName);
    }
}
