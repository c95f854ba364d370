using Microsoft.Extensions.Logging;

namespace LlmPlatform.Llm.Generation.Redis;

internal sealed partial class RedisGenerationPublisher
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 3301, Level = LogLevel.Warning, Message = "Generation events could not be written to Redis; retrying ({ExceptionType}: {Reason})")]
        public static partial void Unavailable(ILogger logger, string exceptionType, string reason);

        [LoggerMessage(EventId = 3302, Level = LogLevel.Warning, Message = "Generation {GenerationId}: positions {From} to {To} left the local log before Redis took them; remote viewers that need them get REPLAY_UNAVAILABLE")]
        public static partial void EventsLost(ILogger logger, Guid generationId, long from, long to);

        [LoggerMessage(EventId = 3303, Level = LogLevel.Warning, Message = "Generation {GenerationId}: finished, but Redis did not take its last events for longer than finished generations are kept; given up")]
        public static partial void GaveUp(ILogger logger, Guid generationId);
    }
}
