using System.Globalization;

namespace LlmPlatform.Llm.Limits;

/// <summary>The limits a caller can reach.</summary>
public enum RateLimit
{
    RequestsPerMinute,
    TokensPerMinute,
    TokensPerDay,
}

/// <summary>A generation refused because the caller reached <paramref name="Limit"/>, of <paramref name="Allowance"/>.</summary>
public sealed record RateLimitRefusal(RateLimit Limit, int Allowance, TimeSpan RetryAfter)
{
    /// <summary>What happened, for a human.</summary>
    public string Message => Limit switch
    {
        RateLimit.RequestsPerMinute => string.Create(CultureInfo.InvariantCulture, $"At most {Allowance} generations a minute may start; try again in {RetryAfterSeconds} s."),
        RateLimit.TokensPerMinute => string.Create(CultureInfo.InvariantCulture, $"The {Allowance} tokens a minute are spent; try again in {RetryAfterSeconds} s."),
        _ => string.Create(CultureInfo.InvariantCulture, $"The {Allowance} tokens a day are spent; the budget renews at 00:00 UTC, in {RetryAfterSeconds} s."),
    };

    private long RetryAfterSeconds => (long)Math.Ceiling(RetryAfter.TotalSeconds);
}
