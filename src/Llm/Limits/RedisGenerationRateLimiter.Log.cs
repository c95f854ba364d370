using Microsoft.Extensions.Logging;

namespace LlmPlatform.Llm.Limits;

public sealed partial class RedisGenerationRateLimiter
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 3111, Level = LogLevel.Warning, Message = "Rate limits are not enforced: Redis did not answer ({ExceptionType}: {Reason})")]
        public static partial void Unavailable(ILogger logger, string exceptionType, string reason);

        [LoggerMessage(EventId = 3112, Level = LogLevel.Warning, Message = "Rate limits are not enforced: Redis is not connected")]
        public static partial void NotConnected(ILogger logger);
    }
}
