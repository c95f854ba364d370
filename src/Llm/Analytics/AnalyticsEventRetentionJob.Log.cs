using Microsoft.Extensions.Logging;

namespace LlmPlatform.Llm.Analytics;

public sealed partial class AnalyticsEventRetentionJob
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 3630, Level = LogLevel.Information, Message = "Deleted {Count} analytics events that occurred before {Cutoff:O}")]
        public static partial void Deleted(ILogger logger, int count, DateTime cutoff);
    }
}
