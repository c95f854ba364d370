namespace LlmPlatform.Llm.Limits;

/// <summary>
/// The windows every limiter counts in, so that the in-memory and the Redis limiter agree to the second: per-minute
/// limits count in one-second segments over the last 60 (a sliding minute, exact to a second), the daily budget per
/// UTC day.
/// </summary>
internal static class RateLimitWindows
{
    public const int SecondsPerMinuteWindow = 60;

    public static long SecondOf(DateTimeOffset now) => now.ToUnixTimeSeconds();

    public static long DayOf(DateTimeOffset now) => now.ToUnixTimeSeconds() / 86_400;

    /// <summary>The first second that still counts at <paramref name="second"/>.</summary>
    public static long FirstSecondInWindow(long second) => second - SecondsPerMinuteWindow + 1;

    /// <summary>How long until what was counted in <paramref name="second"/> leaves the minute window.</summary>
    public static TimeSpan UntilLeaves(long second, DateTimeOffset now) =>
        DateTimeOffset.FromUnixTimeSeconds(second + SecondsPerMinuteWindow) - now;

    public static TimeSpan UntilNextDay(DateTimeOffset now) => new DateTimeOffset(now.UtcDateTime.Date.AddDays(1), TimeSpan.Zero) - now;

    /// <summary>
    /// The refusal for the limits that are reached, or null: the longest wait, since no request goes through before
    /// every reached limit has recovered.
    /// </summary>
    public static RateLimitRefusal? Refusal(RateLimitOptions limits, DateTimeOffset now, TimeSpan? requestsWait, TimeSpan? tokensWait, bool dayBudgetSpent)
    {
        RateLimitRefusal? refusal = null;
        if (dayBudgetSpent)
            refusal = new(RateLimit.TokensPerDay, limits.TokensPerDay, UntilNextDay(now));
        if (tokensWait is { } tokens && !(refusal?.RetryAfter >= tokens))
            refusal = new(RateLimit.TokensPerMinute, limits.TokensPerMinute, tokens);
        if (requestsWait is { } requests && !(refusal?.RetryAfter >= requests))
            refusal = new(RateLimit.RequestsPerMinute, limits.RequestsPerMinute, requests);
        return refusal;
    }
}
