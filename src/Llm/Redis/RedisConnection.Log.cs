using Microsoft.Extensions.Logging;

namespace LlmPlatform.Llm.Redis;

public sealed partial class RedisConnection
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 3201, Level = LogLevel.Warning, Message = "Redis at {Configuration} is not reachable yet; retrying in the background")]
        public static partial void NotConnected(ILogger logger, string configuration);
    }
}
