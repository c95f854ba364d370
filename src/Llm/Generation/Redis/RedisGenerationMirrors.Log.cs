using Microsoft.Extensions.Logging;

namespace LlmPlatform.Llm.Generation.Redis;

internal sealed partial class RedisGenerationMirrors
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 3311, Level = LogLevel.Warning, Message = "Generation events could not be read from Redis; retrying ({ExceptionType}: {Reason})")]
        public static partial void Unavailable(ILogger logger, string exceptionType, string reason);
    }
}
