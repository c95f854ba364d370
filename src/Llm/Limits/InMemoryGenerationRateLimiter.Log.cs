using Microsoft.Extensions.Logging;

namespace LlmPlatform.Llm.Limits;

public sealed partial class InMemoryGenerationRateLimiter
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 3110, Level = LogLevel.Warning, Message = "Rate limits track {MaxTrackedCallers} callers, the most allowed: new callers share one set of limits until some go idle")]
        public static partial void Overflow(ILogger logger, int maxTrackedCallers);
    }
}
