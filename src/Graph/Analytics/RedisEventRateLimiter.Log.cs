using Microsoft.Extensions.Logging;

namespace LlmPlatform.Graph.Analytics;

public sealed partial class RedisEventRateLimiter
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 2730, Level = LogLevel.Warning, Message = "Event rate limit not enforced: Redis unavailable ({Reason})")]
        public static partial void Unavailable(ILogger logger, string reason);
    }
}
