using System.ComponentModel.DataAnnotations;

namespace LlmPlatform.Llm.Limits;

/// <summary>
/// How much each caller (a user, or a client address without a token) may generate. Section <c>Llm:RateLimits</c>.
/// A limit set to 0 is off. Counted in memory, or in Redis when <c>ConnectionStrings:Redis</c> is set, so that
/// several instances enforce one limit.
/// </summary>
public sealed class RateLimitOptions
{
    public const string Section = "Llm:RateLimits";

    /// <summary>False turns every limit off.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Generations a caller may start in any 60 seconds.</summary>
    [Range(0, 1_000_000)]
    public int RequestsPerMinute { get; set; } = 60;

    /// <summary>Tokens (prompt and reply) a caller's generations may use in any 60 seconds.</summary>
    [Range(0, int.MaxValue)]
    public int TokensPerMinute { get; set; } = 100_000;

    /// <summary>Tokens (prompt and reply) a caller's generations may use in a day; the day starts at 00:00 UTC.</summary>
    [Range(0, int.MaxValue)]
    public int TokensPerDay { get; set; } = 1_000_000;

    /// <summary>
    /// In memory: most callers tracked at once. Idle callers are forgotten; past this many, new callers share one
    /// set of limits until some go idle, so a flood of addresses cannot exhaust memory.
    /// </summary>
    [Range(1, 10_000_000)]
    public int MaxTrackedCallers { get; set; } = 100_000;

    /// <summary>In Redis: the prefix of every key the limits use (all instances that share limits must agree).</summary>
    [Required]
    [MinLength(1)]
    public string RedisKeyPrefix { get; set; } = "llmplatform:ratelimit:";

    /// <summary>True when at least one limit is to be enforced.</summary>
    internal bool LimitsAnything => Enabled && (RequestsPerMinute > 0 || TokensPerMinute > 0 || TokensPerDay > 0);

    /// <summary>True when finished generations' tokens are to be counted.</summary>
    internal bool LimitsTokens => Enabled && (TokensPerMinute > 0 || TokensPerDay > 0);
}
