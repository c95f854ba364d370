namespace LlmPlatform.Graph.Transport.Http;

internal sealed partial class GraphQLHttpEndpoint
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 2001, Level = LogLevel.Debug, Message = "Refused a GraphQL HTTP request with {StatusCode}: {Reason}")]
        public static partial void RequestRefused(ILogger logger, int statusCode, string reason);
    }
}
