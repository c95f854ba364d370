namespace LlmPlatform.Graph.Analytics;

/// <summary>
/// How many events each caller may track: <see cref="AnalyticsEventOptions.RequestsPerMinute"/> in each minute of
/// the clock (UTC). A caller is a partition key such as <c>user:&lt;id&gt;</c> or <c>ip:&lt;address&gt;</c>.
/// </summary>
public interface IEventRateLimiter
{
    /// <summary>Counts one event; null when it may be stored, else how long until the caller's next minute starts.</summary>
    ValueTask<TimeSpan?> TryAcquireAsync(string partitionKey, CancellationToken cancellationToken);
}

/// <summary>The minute windows both limiters count in, so they agree to the second.</summary>
internal static class EventRateWindow
{
    public static long MinuteOf(DateTimeOffset now) => now.ToUnixTimeSeconds() / 60;

    public static TimeSpan UntilNextMinute(DateTimeOffset now) =>
        DateTimeOffset.FromUnixTimeSeconds((MinuteOf(now) + 1) * 60) - now;
}
